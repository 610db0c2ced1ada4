import fc from 'fast-check';
import { applyIsotonic, fitIsotonic } from './isotonic.calibration';

describe('fitIsotonic (PAV)', () => {
  it('pools adjacent violators on a hand-worked example', () => {
    // Labels 1,0,1,0,1 at x = 1..5: pool (1,0) -> 0.5, (1,0) -> 0.5, keep 1.
    const fit = fitIsotonic([1, 2, 3, 4, 5], [1, 0, 1, 0, 1]);
    expect(fit).toEqual({ x: [1, 4, 5], y: [0.5, 0.5, 1] });
    expect(applyIsotonic(fit, 2.5)).toBe(0.5);
    expect(applyIsotonic(fit, 4.5)).toBe(0.75); // linear between knots
    expect(applyIsotonic(fit, -10)).toBe(0.5); // clipped below
    expect(applyIsotonic(fit, 10)).toBe(1); // clipped above
  });

  it('maps tied scores to one value', () => {
    const fit = fitIsotonic([0, 0, 1, 1], [0, 1, 1, 1]);
    expect(fit).toEqual({ x: [0, 1], y: [0.5, 1] });
  });

  it('honours sample weights', () => {
    const fit = fitIsotonic([1, 2], [1, 0], { sampleWeights: [3, 1] });
    expect(fit).toEqual({ x: [1, 2], y: [0.75, 0.75] });
  });

  it('is monotone non-decreasing and within [0, 1] for any data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(0, 1)), { minLength: 1, maxLength: 60 }),
        fc.array(fc.double({ min: -12, max: 12, noNaN: true }), { minLength: 2, maxLength: 20 }),
        (data, queries) => {
          const fit = fitIsotonic(
            data.map((d) => d[0]),
            data.map((d) => d[1]),
          );
          for (let i = 1; i < fit.x.length; i++) {
            if (!(fit.x[i] > fit.x[i - 1]) || fit.y[i] < fit.y[i - 1]) return false;
          }
          const sorted = [...queries].sort((a, b) => a - b);
          const out = sorted.map((q) => applyIsotonic(fit, q));
          return out.every((v, i) => v >= 0 && v <= 1 && (i === 0 || v >= out[i - 1] - 1e-15));
        },
      ),
    );
  });
});
