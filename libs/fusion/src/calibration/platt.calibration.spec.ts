import { logisticSample } from '../testing/synthetic-data';
import { applyPlatt, fitPlatt } from './platt.calibration';

describe('fitPlatt', () => {
  it('recovers a and b of a known logistic model', () => {
    const { x, y } = logisticSample(20_000, 1.7, -0.8, 42);
    const { a, b } = fitPlatt(x, y);
    expect(a).toBeCloseTo(1.7, 1);
    expect(b).toBeCloseTo(-0.8, 1);
    expect(Math.abs(a - 1.7)).toBeLessThan(0.08);
    expect(Math.abs(b + 0.8)).toBeLessThan(0.06);
  });

  it('stays finite and order-preserving on perfectly separable data', () => {
    const { a, b } = fitPlatt([-2, -1, 1, 2], [0, 0, 1, 1]);
    expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
    expect(a).toBeGreaterThan(1);
    expect(Math.abs(b)).toBeLessThan(1e-6); // symmetric data: symmetric fit
    expect(applyPlatt({ a, b }, 1)).toBeGreaterThan(0.99);
    expect(applyPlatt({ a, b }, -1)).toBeLessThan(0.01);
  });

  it('treats an integer sample weight like duplicating the row', () => {
    const x = [-1.5, -0.3, 0.2, 0.4, 1.1, -0.7, 2.0];
    const y = [0, 1, 0, 1, 1, 0, 0];
    const weighted = fitPlatt(x, y, { sampleWeights: [1, 3, 1, 1, 2, 1, 1] });
    const duplicated = fitPlatt([...x, -0.3, -0.3, 1.1], [...y, 1, 1, 1]);
    expect(weighted.a).toBeCloseTo(duplicated.a, 6);
    expect(weighted.b).toBeCloseTo(duplicated.b, 6);
  });

  it('names bad inputs', () => {
    expect(() => fitPlatt([0, 1], [1, 1])).toThrow(/at least one positive and one negative/);
    expect(() => fitPlatt([0, 1], [0])).toThrow(/differ in length/);
    expect(() => fitPlatt([0, Number.NaN], [0, 1])).toThrow(/index 1 is not a finite/);
    expect(() => fitPlatt([0, 1], [0, 1], { sampleWeights: [1, -1] })).toThrow(/sample weight at index 1/);
  });
});
