import { binormalSample } from '../testing/synthetic-data';
import { aurocConfidenceInterval } from './auroc-confidence-interval.metric';
import { auroc } from './auroc.metric';

/** O(m n) DeLong variance straight from the structural components' definition. */
function bruteForceDelongVariance(scores: number[], labels: number[]): number {
  const pos = scores.filter((_, i) => labels[i] === 1);
  const neg = scores.filter((_, i) => labels[i] === 0);
  const psi = (x: number, y: number) => (x > y ? 1 : x === y ? 0.5 : 0);
  const v10 = pos.map((x) => neg.reduce((s, y) => s + psi(x, y), 0) / neg.length);
  const v01 = neg.map((y) => pos.reduce((s, x) => s + psi(x, y), 0) / pos.length);
  const variance = (v: number[]) => {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1);
  };
  return variance(v10) / pos.length + variance(v01) / neg.length;
}

describe('aurocConfidenceInterval', () => {
  it('DeLong standard error matches the O(n^2) definition (with ties)', () => {
    const { scores, labels } = binormalSample(300, 0.3, 1, 11);
    const rounded = scores.map((s) => Math.round(s * 4) / 4); // force many ties
    const ci = aurocConfidenceInterval(rounded, labels);
    expect(ci.method).toBe('delong');
    expect(ci.estimate).toBeCloseTo(auroc(rounded, labels), 14);
    expect(ci.standardError ** 2).toBeCloseTo(bruteForceDelongVariance(rounded, labels), 12);
    expect(ci.lower).toBeCloseTo(ci.estimate - 1.959963985 * ci.standardError, 8);
  });

  it('contains the estimate and shrinks as n grows', () => {
    const small = binormalSample(200, 0.15, 1, 21);
    const large = binormalSample(5000, 0.15, 1, 22);
    const a = aurocConfidenceInterval(small.scores, small.labels);
    const b = aurocConfidenceInterval(large.scores, large.labels);
    for (const ci of [a, b]) {
      expect(ci.lower).toBeLessThanOrEqual(ci.estimate);
      expect(ci.upper).toBeGreaterThanOrEqual(ci.estimate);
      expect(ci.level).toBe(0.95);
    }
    expect(b.upper - b.lower).toBeLessThan((a.upper - a.lower) / 2);
    // True AUROC of a unit-shift binormal model: Phi(1 / sqrt 2) = 0.7602.
    expect(b.lower).toBeLessThan(0.7602);
    expect(b.upper).toBeGreaterThan(0.7602);
  });

  it('a higher level gives a wider interval', () => {
    const { scores, labels } = binormalSample(400, 0.2, 1, 5);
    const ci90 = aurocConfidenceInterval(scores, labels, { level: 0.9 });
    const ci99 = aurocConfidenceInterval(scores, labels, { level: 0.99 });
    expect(ci99.upper - ci99.lower).toBeGreaterThan(ci90.upper - ci90.lower);
  });

  it('bootstrap is reproducible from its seed and close to DeLong', () => {
    const { scores, labels } = binormalSample(400, 0.2, 1, 9);
    const opts = { method: 'bootstrap' as const, iterations: 200, seed: 123 };
    const first = aurocConfidenceInterval(scores, labels, opts);
    const second = aurocConfidenceInterval(scores, labels, opts);
    expect(second).toEqual(first);
    expect(aurocConfidenceInterval(scores, labels, { ...opts, seed: 124 })).not.toEqual(first);
    const delong = aurocConfidenceInterval(scores, labels);
    expect(first.estimate).toBe(delong.estimate);
    expect(first.lower).toBeLessThan(first.estimate);
    expect(first.upper).toBeGreaterThan(first.estimate);
    expect(Math.abs(first.standardError - delong.standardError)).toBeLessThan(0.3 * delong.standardError);
  });

  it('clips to [0, 1] and rejects a bad level', () => {
    const ci = aurocConfidenceInterval([1, 2, 3, 4], [0, 0, 1, 1]);
    expect(ci).toMatchObject({ estimate: 1, lower: 1, upper: 1 });
    expect(() => aurocConfidenceInterval([1, 2], [0, 1], { level: 1.5 })).toThrow(/level/);
    expect(() => aurocConfidenceInterval([1, 2], [1, 1])).toThrow(/positive and one negative/);
  });
});
