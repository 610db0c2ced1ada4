import { encodeRawInt16, encodeWindowedPng } from '@lf/cohort';
import { preprocessImaging, DEFAULT_IMAGING_SPEC, resample2d, windowIntensity } from '../../src';

// Sides that are multiples of the model size take a one-pass block-mean path; other sides go through the
// general separable resampler. Both must give the same tensor for the same picture.
describe('imaging block-mean fast path', () => {
  const hu = (w: number, h: number) =>
    Int16Array.from({ length: w * h }, (_, i) => {
      const x = i % w;
      const y = Math.floor(i / w);
      return Math.round(-1000 + 1100 * (0.5 + 0.5 * Math.sin(x / 7) * Math.cos(y / 5)));
    });
  const raw = (w: number, h: number) => ({ format: 'raw' as const, dtype: 'int16' as const, width: w, height: h, data: encodeRawInt16(hu(w, h)).toString('base64') });

  it('intensity channel equals the general separable resampler on the windowed image', () => {
    const w = 128;
    const { tensor } = preprocessImaging(raw(w, w), DEFAULT_IMAGING_SPEC);
    const windowed = Float64Array.from(hu(w, w), (v) => windowIntensity(v, DEFAULT_IMAGING_SPEC.windowCenter, DEFAULT_IMAGING_SPEC.windowWidth));
    const expected = resample2d(windowed, w, w, 32, 32);
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(tensor[i] - expected[i]));
    expect(maxDiff).toBeLessThan(1e-6);
  });

  it('band channels equal the exact fraction of pixels in each band per block', () => {
    const w = 64;
    const values = hu(w, w);
    const { tensor } = preprocessImaging(raw(w, w), DEFAULT_IMAGING_SPEC);
    const plane = 32 * 32;
    const [[lo1, hi1], [lo2, hi2]] = DEFAULT_IMAGING_SPEC.bands!;
    for (const cell of [0, 33, 517, 1023]) {
      const cy = Math.floor(cell / 32);
      const cx = cell % 32;
      const block = [0, 1, w, w + 1].map((d) => values[(2 * cy) * w + 2 * cx + d]);
      expect(tensor[plane + cell]).toBeCloseTo(block.filter((v) => v >= lo1 && v < hi1).length / 4, 6);
      expect(tensor[2 * plane + cell]).toBeCloseTo(block.filter((v) => v >= lo2 && v < hi2).length / 4, 6);
    }
  });

  // The usual spec (at most two bands, not MONOCHROME1) has its own faster pass; a third band sends the same
  // slice through the general one, whose first channels must then be the fast pass's to rounding.
  const threeBands = { ...DEFAULT_IMAGING_SPEC, bands: [...DEFAULT_IMAGING_SPEC.bands!, [-200, 200]] as [number, number][] };
  const sameChannels = (fast: Float32Array, general: Float32Array) => {
    let maxDiff = 0;
    for (let i = 0; i < fast.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fast[i] - general[i]));
    return maxDiff;
  };

  it.each([
    ['raw HU', raw(256, 256)],
    ['windowed PNG', { format: 'png' as const, data: encodeWindowedPng(hu(256, 256), 256, 256).toString('base64') }],
  ])('%s: the two-band pass gives the general pass\'s channels and quality flags', (_name, input) => {
    const fast = preprocessImaging(input, DEFAULT_IMAGING_SPEC);
    const general = preprocessImaging(input, threeBands);
    expect(sameChannels(fast.tensor, general.tensor)).toBeLessThan(1e-12);
    expect(fast.qualityFlags).toEqual(general.qualityFlags);
  });

  it('reports the first pixel that is not finite after rescale, as the general pass does', () => {
    const samples = new Float32Array(64 * 64).fill(-500);
    samples[1000] = 3e38;
    samples[2000] = 3e38;
    const input = { format: 'raw' as const, dtype: 'float32' as const, width: 64, height: 64, rescaleSlope: 1e300, data: Buffer.from(samples.buffer).toString('base64') };
    expect(() => preprocessImaging(input, DEFAULT_IMAGING_SPEC)).toThrow(/pixel 1000 is not finite/);
    expect(() => preprocessImaging(input, threeBands)).toThrow(/pixel 1000 is not finite/);
  });
});
