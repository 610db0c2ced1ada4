import { distribution, percentile } from './percentiles';

describe('percentile (nearest rank)', () => {
  it('returns an observed value: the smallest with at least p% of the sample at or below it', () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 5)).toBe(15);
    expect(percentile(values, 25)).toBe(20); // 15 is only 20 % of the sample: not enough for p25
    expect(percentile(values, 45)).toBe(35);
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 100)).toBe(50);
  });

  it('does not depend on input order and does not sort the caller array', () => {
    const values = [9, 1, 5, 3, 7];
    expect(percentile(values, 50)).toBe(5);
    expect(values).toEqual([9, 1, 5, 3, 7]);
  });

  it('p95 of 1..100 is 95 and p99 is 99; one value is every percentile', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([42], 1)).toBe(42);
    expect(percentile([42], 99)).toBe(42);
  });

  it('is undefined for an empty sample and rejects p outside (0, 100]', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('distribution', () => {
  it('gives n, p50, p95, p99 and max from one sort, ignoring non-finite values', () => {
    const values = [...Array.from({ length: 20 }, (_, i) => (i + 1) * 10), NaN, Infinity];
    expect(distribution(values)).toEqual({ n: 20, p50: 100, p95: 190, p99: 200, max: 200 });
  });

  it('is null for an empty sample', () => {
    expect(distribution([])).toBeNull();
    expect(distribution([NaN])).toBeNull();
  });
});
