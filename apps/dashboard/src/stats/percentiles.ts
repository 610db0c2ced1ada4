/**
 * Nearest-rank percentiles: the smallest sample value such that at least p% of the sample is <= it
 * (rank = ceil(p/100 * n)). Exact, always a value that was observed (no interpolation between two jobs),
 * and well defined for tiny samples: with 1 value every percentile is that value.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return nearestRank(sorted, p);
}

function nearestRank(sorted: ArrayLike<number>, p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface Distribution {
  /** Sample size. */
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * p50/p95/p99/max of a sample (one sort), or null when it is empty. The finite values are sorted as a
 * Float64Array (a native numeric sort, ~3x faster than Array#sort with a comparator): every tick sorts each
 * panel's whole window, tens of thousands of values per distribution after a busy five minutes, which was
 * most of an idle dashboard's CPU.
 */
export function distribution(values: readonly number[]): Distribution | null {
  const finite = new Float64Array(values.length);
  let n = 0;
  for (const value of values) if (Number.isFinite(value)) finite[n++] = value;
  if (n === 0) return null;
  const sorted = finite.subarray(0, n).sort();
  return { n, p50: nearestRank(sorted, 50), p95: nearestRank(sorted, 95), p99: nearestRank(sorted, 99), max: sorted[n - 1] };
}
