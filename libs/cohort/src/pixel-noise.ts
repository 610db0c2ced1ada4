import type { Rng } from './rng';

/**
 * Per-pixel Gaussian noise is the hot loop of image rendering (65k draws per 256 x 256 slice), and
 * Box-Muller costs a log, a sqrt and a sin/cos per pair. Instead each 32-bit draw is split into two
 * 16-bit indices into a table of normal quantiles at (k + 0.5) / 65536: same distribution to the
 * eye (tails truncated at about 4.3 sd), roughly 8x faster, still fully seeded.
 */
const TABLE_BITS = 16;
let quantiles: Float32Array | undefined;

export function addPixelNoise(rng: Rng, values: Float32Array, sigma: number): void {
  const table = (quantiles ??= buildQuantileTable());
  const n = values.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const bits = rng.nextUint32();
    values[i] += sigma * table[bits & 0xffff];
    values[i + 1] += sigma * table[bits >>> 16];
  }
  if (i < n) values[i] += sigma * table[rng.nextUint32() & 0xffff];
}

function buildQuantileTable(): Float32Array {
  const size = 1 << TABLE_BITS;
  const table = new Float32Array(size);
  for (let k = 0; k < size; k++) table[k] = inverseNormalCdf((k + 0.5) / size);
  return table;
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
function inverseNormalCdf(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -inverseNormalCdf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
