import { logit } from '../calibration/logit';
import { absent, context, ok } from '../testing/evidence';
import { weightsFromAuroc } from './modality-weights';
import { weightedMeanFusion } from './weighted-mean.strategy';

const params = { ...context, weights: { imaging: 0.3, tabular: 0.2, vitals: 0.1 } };

describe('weightedMeanFusion', () => {
  it('averages calibrated probabilities with normalised weights', () => {
    const fused = weightedMeanFusion([ok('imaging', 0.8), ok('tabular', 0.5), ok('vitals', 0.2)], params);
    // (0.3*0.8 + 0.2*0.5 + 0.1*0.2) / 0.6 = 0.36 / 0.6
    expect(fused.probability).toBeCloseTo(0.6, 14);
    expect(fused.contributions.map((c) => c.weight)).toEqual([0.5, 0.2 / 0.6, 0.1 / 0.6]);
    expect(fused).toMatchObject({ strategy: 'weighted-mean', riskBand: 'high', degraded: false });
  });

  it('renormalises over present modalities and flags degradation', () => {
    const fused = weightedMeanFusion([ok('imaging', 0.8), ok('tabular', 0.5), absent('vitals', 'failed')], params);
    // (0.24 + 0.1) / 0.5
    expect(fused.probability).toBeCloseTo(0.68, 14);
    expect(fused.contributions[2]).toEqual({ modality: 'vitals', status: 'failed', weight: 0, contribution: 0 });
    expect(fused.contributions[0].weight).toBeCloseTo(0.6, 14);
    expect(fused.degraded).toBe(true);
  });

  it('splits the log-odds shift from the prior across modalities', () => {
    const fused = weightedMeanFusion([ok('imaging', 0.8), ok('tabular', 0.5), ok('vitals', 0.2)], params);
    const total = fused.contributions.reduce((s, c) => s + c.contribution, 0);
    expect(total).toBeCloseTo(logit(0.6) - logit(0.1), 12);
    // Each share is proportional to w_m (p_m - prior): 0.5*0.7 : (1/3)*0.4 : (1/6)*0.1.
    expect(fused.contributions[0].contribution / fused.contributions[2].contribution).toBeCloseTo((0.5 * 0.7) / ((1 / 6) * 0.1), 9);
  });

  it('a single present modality returns exactly its own probability', () => {
    const fused = weightedMeanFusion([absent('imaging'), ok('tabular', 0.123456789), absent('vitals', 'late')], params);
    expect(fused.probability).toBe(0.123456789);
    expect(fused.contributions[1].weight).toBe(1);
  });

  it('uses the default weight for unknown modalities (smallest configured unless given)', () => {
    const evidence = [ok('imaging', 1), ok('notes', 0)];
    expect(weightedMeanFusion(evidence, params).probability).toBeCloseTo(0.3 / 0.4, 14);
    expect(weightedMeanFusion(evidence, { ...params, defaultWeight: 0.3 }).probability).toBeCloseTo(0.5, 14);
  });

  it('returns the prior, degraded, when nothing is present', () => {
    const fused = weightedMeanFusion([absent('imaging'), { modality: 'tabular', status: 'ok' }], params);
    expect(fused.probability).toBe(0.1);
    expect(fused.degraded).toBe(true);
    expect(fused.contributions.every((c) => c.weight === 0 && c.contribution === 0)).toBe(true);
    expect(weightedMeanFusion([], params)).toMatchObject({ probability: 0.1, degraded: true, contributions: [] });
  });

  it('treats an ok record with an unusable probability as absent', () => {
    const fused = weightedMeanFusion([ok('imaging', Number.NaN), ok('tabular', 1.5), ok('vitals', 0.4)], params);
    expect(fused.probability).toBe(0.4);
    expect(fused.degraded).toBe(true);
    expect(fused.contributions.map((c) => c.weight)).toEqual([0, 0, 1]);
  });

  it('rejects duplicate modalities, negative weights and a bad prior', () => {
    expect(() => weightedMeanFusion([ok('imaging', 0.1), ok('imaging', 0.2)], params)).toThrow(/more than once/);
    expect(() => weightedMeanFusion([ok('imaging', 0.1)], { ...params, weights: { imaging: -1 } })).toThrow(/>= 0/);
    expect(() => weightedMeanFusion([ok('imaging', 0.1)], { ...params, prior: 0 })).toThrow(/prior/);
  });

  it('does not mistake Object.prototype members for configured weights', () => {
    const fused = weightedMeanFusion([ok('constructor', 0.9), ok('imaging', 0.1)], { ...params, defaultWeight: 0.3 });
    expect(fused.probability).toBeCloseTo(0.5, 14);
  });
});

describe('weightsFromAuroc', () => {
  it('is max(auroc - 0.5, floor)', () => {
    expect(weightsFromAuroc({ imaging: 0.8, vitals: 0.45 })).toEqual({ imaging: 0.30000000000000004, vitals: 0.01 });
  });
});
