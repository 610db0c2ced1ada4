/**
 * Where a decoder puts a slice's pixel values (one float64 per pixel: 512 kB for 256x256).
 *
 * Decoders allocate fresh arrays by default, so what they return is the caller's to keep. `preprocessImaging`
 * is done with the pixels before it returns (only the small model tensor leaves it), so it hands decoders
 * one reused buffer instead: a fresh 512 kB ArrayBuffer per slice counts as external memory for V8, and at
 * 100 slices/s that pressure set off a full mark-compact every second or so, which measured ~30 % of the
 * imaging worker's CPU (perf, concurrent marking and sweeping).
 */
export type PixelAllocator = (count: number) => Float64Array;

export const freshPixels: PixelAllocator = (count) => new Float64Array(count);

/**
 * One buffer, grown to the largest slice seen and handed out again on every call: the previous pixels are
 * overwritten, so a caller must be done with them before it decodes the next image. Decoders write every
 * value, so the old contents never show through.
 */
export function reusedPixels(): PixelAllocator {
  let buffer = new Float64Array(0);
  return (count) => {
    if (buffer.length < count) buffer = new Float64Array(count);
    return buffer.length === count ? buffer : buffer.subarray(0, count);
  };
}
