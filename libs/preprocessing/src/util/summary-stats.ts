/** Fitted location/scale of one feature; plain numbers so it can live in a model manifest. */
export interface SummaryStats {
  median: number;
  mean: number;
  /** Population standard deviation, floored (see MIN_STD) so standardization never divides by ~0. */
  std: number;
  /** How many observed values the stats were fitted on (0 = fell back to the reference value). */
  count: number;
}

/**
 * A constant feature in training (std 0) would turn any different value at inference into +-Infinity;
 * flooring keeps the tensor finite and the z-score merely large (it is clipped later).
 */
export const MIN_STD = 1e-6;

/**
 * Median, mean and std of finite values. With no values (a feature never observed in the training set)
 * it returns `fallback` as median and mean and std 1, so preprocessing still works and the manifest
 * records count 0 for anyone reviewing the model.
 */
export function summarize(values: readonly number[], fallback: number): SummaryStats {
  const n = values.length;
  if (n === 0) return { median: fallback, mean: fallback, std: 1, count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = n >> 1;
  const median = n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  // Summing the sorted values makes the result independent of input order (float addition is not associative).
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / n;
  let squares = 0;
  for (const v of sorted) squares += (v - mean) * (v - mean);
  const std = Math.max(Math.sqrt(squares / n), MIN_STD);
  return { median, mean, std, count: n };
}
