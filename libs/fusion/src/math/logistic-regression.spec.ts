import { sigmoid } from '../calibration/sigmoid';
import { fitLogisticRegression } from './logistic-regression';
import { mulberry32 } from './mulberry32';
import { solveSpd } from './solve-spd';

describe('solveSpd', () => {
  it('solves a 2x2 system', () => {
    const x = solveSpd(Float64Array.from([4, 1, 1, 3]), Float64Array.from([1, 2]));
    expect(x[0]).toBeCloseTo(1 / 11, 12);
    expect(x[1]).toBeCloseTo(7 / 11, 12);
  });
  it('refuses a non positive-definite matrix', () => {
    expect(() => solveSpd(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]))).toThrow(/positive definite/);
  });
});

describe('fitLogisticRegression', () => {
  it('reaches a stationary point of the penalised objective', () => {
    const random = mulberry32(5);
    const n = 500;
    const d = 3;
    const X = new Float64Array(n * d).map(() => random() * 4 - 2);
    const y = new Uint8Array(n).map((_, i) => (random() < sigmoid(0.5 + X[i * d] - 2 * X[i * d + 1]) ? 1 : 0));
    const l2 = 0.01;
    const fit = fitLogisticRegression(X, d, y, { l2 });
    expect(fit.converged).toBe(true);
    // Gradient of the mean loss + penalty vanishes at the returned parameters.
    const grad = new Float64Array(d + 1);
    for (let i = 0; i < n; i++) {
      let eta = fit.intercept;
      for (let j = 0; j < d; j++) eta += fit.coefficients[j] * X[i * d + j];
      const r = (sigmoid(eta) - y[i]) / n;
      grad[0] += r;
      for (let j = 0; j < d; j++) grad[j + 1] += r * X[i * d + j];
    }
    for (let j = 0; j < d; j++) grad[j + 1] += l2 * fit.coefficients[j];
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-8);
  });

  it('handles a constant (collinear with intercept) feature without l2', () => {
    const fit = fitLogisticRegression(Float64Array.from([1, 1, 1, 1]), 1, [0, 1, 1, 0], { l2: 0 });
    expect(Number.isFinite(fit.intercept + fit.coefficients[0])).toBe(true);
    expect(sigmoid(fit.intercept + fit.coefficients[0])).toBeCloseTo(0.5, 6);
  });
});
