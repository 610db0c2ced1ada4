import type { SummaryStats } from './summary-stats';

/**
 * |z| beyond this is clipped: a single absurd-but-possible value (CRP 900 mg/L) must not dominate a
 * linear model or saturate an activation; callers add an 'outlier_clipped' quality flag.
 */
export const Z_CLIP = 10;

/** (value - mean) / std, clipped to +-Z_CLIP; `clipped` tells the caller to raise a quality flag. */
export function standardize(value: number, stats: Pick<SummaryStats, 'mean' | 'std'>): { z: number; clipped: boolean } {
  const z = (value - stats.mean) / stats.std;
  if (z > Z_CLIP) return { z: Z_CLIP, clipped: true };
  if (z < -Z_CLIP) return { z: -Z_CLIP, clipped: true };
  return { z, clipped: false };
}
