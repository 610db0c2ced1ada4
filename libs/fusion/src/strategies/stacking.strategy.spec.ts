import { sigmoid } from '../calibration/sigmoid';
import { absent, context, ok } from '../testing/evidence';
import { stackingFusion } from './stacking.strategy';

const params = {
  ...context,
  intercept: -2,
  logitCoef: { imaging: 1, tabular: 0.5 },
  presenceCoef: { imaging: 0.3, tabular: -0.2 },
};

describe('stackingFusion', () => {
  it('evaluates the logistic model on calibrated logits and presence', () => {
    const fused = stackingFusion([ok('imaging', 0.5), ok('tabular', 0.8)], params);
    // -2 + (1 * 0 + 0.3) + (0.5 * ln 4 - 0.2) = -1.9 + ln 2
    expect(fused.probability).toBeCloseTo(sigmoid(-1.9 + Math.log(2)), 14);
    expect(fused.contributions[0].contribution).toBeCloseTo(0.3, 14);
    expect(fused.contributions[1].contribution).toBeCloseTo(Math.log(2) - 0.2, 14);
    // weights: |coef * z| shares -> imaging's z is 0.
    expect(fused.contributions.map((c) => c.weight)).toEqual([0, 1]);
    expect(fused.degraded).toBe(false);
  });

  it('an absent modality contributes neither its logit nor its presence term', () => {
    const fused = stackingFusion([absent('imaging', 'failed'), ok('tabular', 0.8)], params);
    expect(fused.probability).toBeCloseTo(sigmoid(-2 + Math.log(2) - 0.2), 14);
    expect(fused.contributions[0]).toEqual({ modality: 'imaging', status: 'failed', weight: 0, contribution: 0 });
    expect(fused.degraded).toBe(true);
  });

  it('equal weights when every logit term is 0', () => {
    const fused = stackingFusion([ok('imaging', 0.5), ok('tabular', 0.5)], params);
    expect(fused.contributions.map((c) => c.weight)).toEqual([0.5, 0.5]);
  });

  it('ignores modalities the model was not trained on, and says so', () => {
    const fused = stackingFusion([ok('imaging', 0.5), ok('notes', 0.99)], params);
    expect(fused.probability).toBeCloseTo(sigmoid(-1.7), 14);
    expect(fused.contributions[1].weight).toBe(0);
    expect(fused.degraded).toBe(true);
    expect(stackingFusion([ok('notes', 0.99)], params)).toMatchObject({ probability: 0.1, degraded: true });
  });

  it('rejects non-finite coefficients', () => {
    expect(() => stackingFusion([ok('imaging', 0.5)], { ...params, logitCoef: { imaging: Number.NaN } })).toThrow(/logitCoef/);
  });
});
