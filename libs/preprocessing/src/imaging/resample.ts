/** Sparse 1-D resampling kernel: output j = sum over taps of weight * input[index]. Weights sum to 1. */
interface Taps {
  index: Int32Array;
  weight: Float64Array;
  /** taps of output j are [start[j], start[j + 1]) */
  start: Int32Array;
}

/**
 * Area averaging (box filter over the exact fractional footprint) when shrinking: output pixel j
 * covers input interval [j*s, (j+1)*s), s = n/m, and each input pixel contributes its overlap.
 * Unlike point sampling or bilinear, this low-passes before decimating, so 256 -> 32 does not alias,
 * and it preserves the mean exactly (every input pixel has the same total weight).
 */
function areaTaps(n: number, m: number): Taps {
  const s = n / m;
  const index: number[] = [];
  const weight: number[] = [];
  const start = new Int32Array(m + 1);
  for (let j = 0; j < m; j++) {
    start[j] = index.length;
    const lo = j * s;
    const hi = Math.min(n, (j + 1) * s);
    let total = 0;
    for (let i = Math.floor(lo); i < Math.min(n, Math.ceil(hi)); i++) {
      const overlap = Math.min(hi, i + 1) - Math.max(lo, i);
      if (overlap > 1e-12) {
        index.push(i);
        weight.push(overlap);
        total += overlap;
      }
    }
    // Normalize by the summed overlap rather than s so rounding never makes a constant image drift.
    for (let k = start[j]; k < index.length; k++) weight[k] /= total;
  }
  start[m] = index.length;
  return { index: Int32Array.from(index), weight: Float64Array.from(weight), start };
}

/**
 * Bilinear (linear per axis) when enlarging, with pixel-centre alignment
 * (x = (j + 0.5) * n/m - 0.5, clamped to the edge) so the image is not shifted by half a pixel.
 */
function linearTaps(n: number, m: number): Taps {
  const index = new Int32Array(2 * m);
  const weight = new Float64Array(2 * m);
  const start = new Int32Array(m + 1);
  for (let j = 0; j < m; j++) {
    start[j] = 2 * j;
    const x = Math.min(n - 1, Math.max(0, ((j + 0.5) * n) / m - 0.5));
    const i0 = Math.floor(x);
    const i1 = Math.min(n - 1, i0 + 1);
    const f = x - i0;
    index[2 * j] = i0;
    weight[2 * j] = 1 - f;
    index[2 * j + 1] = i1;
    weight[2 * j + 1] = f;
  }
  start[m] = 2 * m;
  return { index, weight, start };
}

function taps(n: number, m: number): Taps {
  return m <= n ? areaTaps(n, m) : linearTaps(n, m);
}

/**
 * Resamples a row-major `width x height` image to `outWidth x outHeight`. The two axes are resampled
 * independently (separably), each with area averaging if it shrinks and linear interpolation if it
 * grows. A non-square input is therefore stretched to the square output (aspect ratio not kept):
 * padding would preserve shapes but spend model pixels on borders, and training uses the same rule,
 * so the model sees the same geometry in both places; callers flag 'non_square'.
 */
export function resample2d(
  values: ArrayLike<number>,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float64Array {
  const tx = taps(width, outWidth);
  const ty = taps(height, outHeight);
  // Horizontal pass first: height x outWidth intermediate.
  const mid = new Float64Array(height * outWidth);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let j = 0; j < outWidth; j++) {
      let acc = 0;
      for (let k = tx.start[j]; k < tx.start[j + 1]; k++) acc += tx.weight[k] * values[row + tx.index[k]];
      mid[y * outWidth + j] = acc;
    }
  }
  const out = new Float64Array(outHeight * outWidth);
  for (let i = 0; i < outHeight; i++) {
    for (let j = 0; j < outWidth; j++) {
      let acc = 0;
      for (let k = ty.start[i]; k < ty.start[i + 1]; k++) acc += ty.weight[k] * mid[ty.index[k] * outWidth + j];
      out[i * outWidth + j] = acc;
    }
  }
  return out;
}
