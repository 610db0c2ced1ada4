import fc from 'fast-check';
import { auroc } from './auroc.metric';

/** O(n^2) definition: P(pos > neg) + 1/2 P(pos = neg). */
function pairwiseAuroc(scores: number[], labels: number[]): number {
  let sum = 0;
  let pairs = 0;
  scores.forEach((s, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((t, j) => {
      if (labels[j] !== 0) return;
      pairs++;
      sum += s > t ? 1 : s === t ? 0.5 : 0;
    });
  });
  return sum / pairs;
}

describe('auroc', () => {
  it('matches a hand-computed example', () => {
    // Pairs (pos, neg): (0.35,0.1) win, (0.35,0.4) loss, (0.8,0.1) win, (0.8,0.4) win -> 3/4.
    expect(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('counts ties as one half: all scores equal gives exactly 0.5', () => {
    expect(auroc([0.3, 0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1, 1])).toBe(0.5);
    expect(auroc([1, 2, 2, 3], [0, 0, 1, 1])).toBe(0.875);
  });

  it('is 1 for perfect and 0 for reversed ranking', () => {
    expect(auroc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(auroc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0);
  });

  it('agrees with the pairwise definition, ties included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.constantFrom(0, 1)), { minLength: 2, maxLength: 40 }),
        (rows) => {
          const labels = rows.map((r) => r[1]);
          fc.pre(labels.includes(0) && labels.includes(1));
          const scores = rows.map((r) => r[0]);
          return Math.abs(auroc(scores, labels) - pairwiseAuroc(scores, labels)) < 1e-12;
        },
      ),
    );
  });

  it('rejects unusable inputs with a clear message', () => {
    expect(() => auroc([0.1, 0.2], [1, 1])).toThrow(/auroc: needs at least one positive and one negative/);
    expect(() => auroc([0.1, 0.2], [0, 1, 1])).toThrow(/differ in length/);
    expect(() => auroc([0.1, 0.2], [0, 2])).toThrow(/label at index 1 must be 0 or 1/);
    expect(() => auroc([], [])).toThrow(/at least one observation/);
  });
});
