/**
 * The logistic function, written so that it never evaluates exp of a large positive number
 * (no Infinity/Infinity = NaN for very negative inputs).
 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
