import { preprocessImaging, resample2d, windowIntensity } from '../../src';
import { rawBase64 } from '../fixtures/raw-fixture';

const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;

describe('resample2d', () => {
  it('keeps a constant image constant for down-, up- and non-integer resampling', () => {
    for (const [w, h, ow, oh] of [
      [256, 256, 32, 32],
      [100, 37, 32, 32],
      [5, 9, 32, 32],
      [40, 20, 32, 32],
    ]) {
      const out = resample2d(new Float64Array(w * h).fill(0.37), w, h, ow, oh);
      for (const v of out) expect(v).toBeCloseTo(0.37, 12);
    }
  });

  it('preserves the mean of a half-black/half-white image when shrinking (integer and fractional ratios)', () => {
    for (const n of [256, 100, 77]) {
      const img = new Float64Array(n * n);
      for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) img[y * n + x] = x < n / 2 ? 0 : 1;
      expect(mean(resample2d(img, n, n, 32, 32))).toBeCloseTo(mean(img), 10);
    }
  });

  it('does not alias a 1-pixel checkerboard when shrinking 256 -> 32 (area averaging, not point sampling)', () => {
    const n = 256;
    const img = new Float64Array(n * n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) img[y * n + x] = (x + y) % 2;
    for (const v of resample2d(img, n, n, 32, 32)) expect(v).toBeCloseTo(0.5, 12);
  });

  it('averages exact fractional footprints (3 -> 2: weights 2/3, 1/3)', () => {
    const out = resample2d([0, 3, 6], 3, 1, 2, 1);
    expect(out[0]).toBeCloseTo((0 * 1 + 3 * 0.5) / 1.5, 12);
    expect(out[1]).toBeCloseTo((3 * 0.5 + 6 * 1) / 1.5, 12);
  });

  it('interpolates linearly with pixel-centre alignment when enlarging', () => {
    // 2 -> 4: output centres map to x = -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped 1)
    expect(Array.from(resample2d([0, 1], 2, 1, 4, 1))).toEqual([0, 0.25, 0.75, 1]);
  });

  it('resamples each axis independently for non-square input', () => {
    // 4 wide x 2 high, columns 0..3 -> 2x2: x shrinks by area, y grows by interpolation of identical rows.
    const out = resample2d([0, 1, 2, 3, 0, 1, 2, 3], 4, 2, 2, 4);
    expect(Array.from(out)).toEqual([0.5, 2.5, 0.5, 2.5, 0.5, 2.5, 0.5, 2.5]);
  });
});

describe('windowIntensity', () => {
  it('maps the window linearly and clamps outside', () => {
    expect(windowIntensity(-1350, -600, 1500)).toBe(0);
    expect(windowIntensity(150, -600, 1500)).toBe(1);
    expect(windowIntensity(-600, -600, 1500)).toBe(0.5);
    expect(windowIntensity(-5000, -600, 1500)).toBe(0);
    expect(windowIntensity(5000, -600, 1500)).toBe(1);
  });
});

describe('imaging quality flags', () => {
  const raw = (w: number, h: number, v: (i: number) => number) => ({
    format: 'raw' as const,
    dtype: 'int16' as const,
    width: w,
    height: h,
    data: rawBase64('int16', Array.from({ length: w * h }, (_, i) => v(i))),
  });
  const spec = { size: 32, windowCenter: -600, windowWidth: 1500 };

  it('flags low resolution, non-square, mostly air, saturated and uniform images', () => {
    expect(preprocessImaging(raw(16, 8, (i) => (i % 2 ? -1000 : 0)), spec).qualityFlags).toEqual(
      expect.arrayContaining(['low_resolution', 'non_square']),
    );
    expect(preprocessImaging(raw(40, 40, (i) => (i < 40 ? 40 : -1000)), spec).qualityFlags).toContain('mostly_air');
    // Raw scanner counts read as HU (rescale missing) are almost all above the window.
    expect(preprocessImaging(raw(40, 40, (i) => 1000 + (i % 400)), spec).qualityFlags).toContain('saturated');
    expect(preprocessImaging(raw(40, 40, () => -700), spec).qualityFlags).toEqual(['uniform']);
    expect(preprocessImaging(raw(40, 40, (i) => (i % 2 ? -800 : 40)), spec).qualityFlags).toEqual([]);
  });
});
