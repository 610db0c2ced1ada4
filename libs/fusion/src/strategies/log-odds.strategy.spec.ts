import { absent, context, ok } from '../testing/evidence';
import { logOddsFusion } from './log-odds.strategy';

describe('logOddsFusion', () => {
  // prior 0.1: odds 1/9. p = 0.25: odds 1/3, a likelihood ratio of 3.
  it('adds independent evidence: two likelihood ratios of 3 multiply the prior odds by 9', () => {
    const fused = logOddsFusion([ok('imaging', 0.25), ok('tabular', 0.25)], { ...context, weights: { imaging: 1, tabular: 1 } });
    expect(fused.probability).toBeCloseTo(0.5, 12);
    expect(fused.contributions[0].contribution).toBeCloseTo(Math.log(3), 12);
    expect(fused.contributions.map((c) => c.weight)).toEqual([0.5, 0.5]);
  });

  it('discounts by weight: logit p = logit(prior) + sum w (logit p_m - logit prior)', () => {
    const fused = logOddsFusion([ok('imaging', 0.5), ok('tabular', 0.25)], { ...context, weights: { imaging: 1, tabular: 0.5 } });
    // -ln 9 + 1 * ln 9 + 0.5 * ln 3 -> odds sqrt(3)
    expect(fused.probability).toBeCloseTo(Math.sqrt(3) / (1 + Math.sqrt(3)), 12);
    expect(fused.contributions[1].contribution).toBeCloseTo(0.5 * Math.log(3), 12);
    expect(fused.contributions[0].weight).toBeCloseTo(2 / 3, 14);
  });

  it('renormalize turns pooling into a weighted mean of log-odds', () => {
    const fused = logOddsFusion([ok('imaging', 0.25), ok('tabular', 0.25)], {
      ...context,
      weights: { imaging: 1, tabular: 1 },
      renormalize: true,
    });
    expect(fused.probability).toBeCloseTo(0.25, 12);
  });

  it('a missing modality is no update from the prior, not a reason to inflate the others', () => {
    const weights = { imaging: 1, tabular: 1 };
    const one = logOddsFusion([ok('imaging', 0.25), absent('tabular')], { ...context, weights });
    expect(one.probability).toBeCloseTo(0.25, 12);
    expect(one.degraded).toBe(true);
    expect(one.contributions[1]).toEqual({ modality: 'tabular', status: 'missing', weight: 0, contribution: 0 });
  });

  it('clamps certain modalities instead of letting them veto', () => {
    const fused = logOddsFusion([ok('imaging', 1), ok('tabular', 0)], { ...context, weights: { imaging: 1, tabular: 1 } });
    expect(Number.isFinite(fused.contributions[0].contribution)).toBe(true);
    expect(fused.probability).toBeGreaterThan(0);
    expect(fused.probability).toBeLessThan(1);
  });

  it('returns the prior when nothing is present', () => {
    expect(logOddsFusion([absent('imaging', 'invalid')], { ...context, weights: {} })).toMatchObject({
      probability: 0.1,
      degraded: true,
      riskBand: 'low',
    });
  });
});
