import { auprc } from './auprc.metric';

describe('auprc (average precision)', () => {
  it('matches a hand-computed example', () => {
    // Descending: 0.8 (+) R=.5 P=1; 0.4 (-) R=.5; 0.35 (+) R=1 P=2/3 -> .5*1 + .5*2/3 = 5/6.
    expect(auprc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(5 / 6, 14);
  });

  it('treats tied scores as one threshold', () => {
    // One threshold containing everything: recall 1 at precision 2/4.
    expect(auprc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5);
  });

  it('is 1 for a perfect ranking and needs a positive', () => {
    expect(auprc([0.9, 0.8, 0.1], [1, 1, 0])).toBe(1);
    expect(() => auprc([0.1, 0.2], [0, 0])).toThrow(/at least one positive/);
  });
});
