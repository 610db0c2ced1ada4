import fc from 'fast-check';
import { clampProbability, logit, PROBABILITY_EPSILON } from './logit';
import { sigmoid } from './sigmoid';

describe('sigmoid / logit', () => {
  it('are inverse on the interior', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(logit(0.5)).toBe(0);
    expect(logit(0.8)).toBeCloseTo(Math.log(4), 12);
    fc.assert(
      fc.property(fc.double({ min: 1e-5, max: 1 - 1e-5, noNaN: true }), (p) => Math.abs(sigmoid(logit(p)) - p) < 1e-12),
    );
  });

  it('clamps 0 and 1 to finite log-odds of about +/-13.8', () => {
    expect(logit(0)).toBeCloseTo(Math.log(PROBABILITY_EPSILON / (1 - PROBABILITY_EPSILON)), 12);
    expect(logit(1)).toBeCloseTo(-logit(0), 9);
    expect(clampProbability(2)).toBe(1 - PROBABILITY_EPSILON);
  });

  it('sigmoid never returns NaN for extreme inputs', () => {
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-745)).toBeGreaterThanOrEqual(0);
  });

  it('logit rejects NaN', () => {
    expect(() => logit(Number.NaN)).toThrow(/NaN/);
  });
});
