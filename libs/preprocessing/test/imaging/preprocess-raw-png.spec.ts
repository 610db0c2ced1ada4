import { DEFAULT_IMAGING_SPEC, preprocessImaging, type ImagingSpec } from '../../src';
import { expectPreprocessingError } from '../fixtures/expect-preprocessing-error';
import { colorPngBase64, grayPngBase64 } from '../fixtures/png-fixture';
import { rawBase64 } from '../fixtures/raw-fixture';

const spec8: ImagingSpec = { size: 8, windowCenter: 0, windowWidth: 2000 };
const ramp = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('preprocessImaging (raw)', () => {
  it.each([
    ['int16', ramp(64, (i) => i * 40 - 1280)],
    ['uint16', ramp(64, (i) => i * 40)],
    ['float32', ramp(64, (i) => i * 31.25 - 1000.5)],
    ['uint8', ramp(64, (i) => i * 4)],
  ] as const)('round-trips %s through rescale and window', (dtype, values) => {
    const out = preprocessImaging(
      { format: 'raw', dtype, width: 8, height: 8, data: rawBase64(dtype, values), rescaleSlope: 1.5, rescaleIntercept: -100 },
      spec8,
    );
    expect(out.shape).toEqual([1, 8, 8]);
    values.forEach((v, i) => expect(out.tensor[i]).toBeCloseTo(Math.min(1, Math.max(0, (v * 1.5 - 100 + 1000) / 2000)), 5));
  });

  it('defaults rescale to slope 1, intercept 0', () => {
    const out = preprocessImaging({ format: 'raw', dtype: 'int16', width: 8, height: 8, data: rawBase64('int16', new Array(64).fill(500)) }, spec8);
    expect(out.tensor.every((v) => Math.abs(v - 0.75) < 1e-6)).toBe(true);
  });

  it('clamps the window at 0 and 1', () => {
    const values = ramp(64, (i) => (i < 32 ? -3000 : 3000));
    const out = preprocessImaging({ format: 'raw', dtype: 'int16', width: 8, height: 8, data: rawBase64('int16', values) }, spec8);
    expect(Array.from(out.tensor.subarray(0, 32)).every((v) => v === 0)).toBe(true);
    expect(Array.from(out.tensor.subarray(32)).every((v) => v === 1)).toBe(true);
  });

  it('rejects too few and too many bytes', () => {
    const short = rawBase64('int16', new Array(63).fill(0));
    const e = expectPreprocessingError(
      () => preprocessImaging({ format: 'raw', dtype: 'int16', width: 8, height: 8, data: short }, spec8),
      'truncated_pixel_data',
      'inputs.imaging.data',
    );
    expect(e.reason).toBe('has 126 bytes but 8x8 int16 needs 128');
    expectPreprocessingError(
      () => preprocessImaging({ format: 'raw', dtype: 'uint8', width: 8, height: 8, data: rawBase64('uint8', new Array(65).fill(0)) }, spec8),
      'size_mismatch',
      'inputs.imaging.data',
    );
  });

  it('rejects NaN and Infinity pixels, naming the position', () => {
    for (const bad of [NaN, Infinity]) {
      const values = new Array(64).fill(0);
      values[10] = bad;
      const e = expectPreprocessingError(
        () => preprocessImaging({ format: 'raw', dtype: 'float32', width: 8, height: 8, data: rawBase64('float32', values) }, spec8),
        'not_a_number',
        'inputs.imaging.data',
      );
      expect(e.reason).toContain('row 1, column 2');
    }
  });

  it('rejects invalid base64, bad dimensions and a zero slope', () => {
    const data = rawBase64('uint8', new Array(64).fill(0));
    expectPreprocessingError(
      () => preprocessImaging({ format: 'raw', dtype: 'uint8', width: 8, height: 8, data: `${data.slice(0, 10)}*${data.slice(11)}` }, spec8),
      'bad_encoding',
      'inputs.imaging.data',
    );
    expectPreprocessingError(
      () => preprocessImaging({ format: 'raw', dtype: 'uint8', width: 8, height: 8, data: `${data}A` }, spec8),
      'bad_encoding',
      'inputs.imaging.data',
    );
    expectPreprocessingError(
      () => preprocessImaging({ format: 'raw', dtype: 'uint8', width: 0, height: 8, data }, spec8),
      'invalid_value',
      'inputs.imaging.width',
    );
    expectPreprocessingError(
      () => preprocessImaging({ format: 'raw', dtype: 'uint8', width: 8, height: 8, data, rescaleSlope: 0 }, spec8),
      'impossible_value',
      'inputs.imaging.rescaleSlope',
    );
    expectPreprocessingError(
      () => preprocessImaging({ format: 'raw', dtype: 'uint8', width: 8, height: 8, data, rescaleIntercept: NaN }, spec8),
      'not_a_number',
      'inputs.imaging.rescaleIntercept',
    );
  });
});

describe('preprocessImaging (png)', () => {
  const lung: ImagingSpec = { ...DEFAULT_IMAGING_SPEC, size: 8 };

  it('uses value / maxValue of an 8-bit grayscale PNG as the intensity', () => {
    const values = ramp(64, (i) => i * 4);
    const out = preprocessImaging({ format: 'png', data: grayPngBase64(8, 8, values) }, lung);
    values.forEach((v, i) => expect(out.tensor[i]).toBeCloseTo(v / 255, 6));
    expect(out.qualityFlags).not.toContain('rewindowed');
  });

  it('keeps the full precision of a 16-bit grayscale PNG', () => {
    const values = ramp(64, (i) => i * 1000 + 7);
    const out = preprocessImaging({ format: 'png', data: grayPngBase64(8, 8, values, 16), windowCenter: -600, windowWidth: 1500 }, lung);
    values.forEach((v, i) => expect(out.tensor[i]).toBeCloseTo(v / 65535, 6));
  });

  it('converts RGB(A) to luminance and flags it', () => {
    const out = preprocessImaging(
      { format: 'png', data: colorPngBase64(8, 8, new Array(64).fill([255, 0, 0, 128] as [number, number, number, number]), true) },
      lung,
    );
    expect(out.tensor[0]).toBeCloseTo(0.299, 5);
    expect(out.qualityFlags).toEqual(expect.arrayContaining(['color_converted', 'transparency_ignored']));
    const gray = preprocessImaging({ format: 'png', data: colorPngBase64(8, 8, new Array(64).fill([100, 100, 100])) }, lung);
    expect(gray.tensor[0]).toBeCloseTo(100 / 255, 6);
  });

  it('re-windows a PNG rendered with a different window than the model expects', () => {
    // Rendered with window [-1000, 1000]; intensity 0.5 is 0 HU, which in the [-1350, 150] lung window is 0.9.
    const out = preprocessImaging(
      { format: 'png', data: grayPngBase64(8, 8, new Array(64).fill(32768), 16), windowCenter: 0, windowWidth: 2000 },
      lung,
    );
    expect(out.tensor[0]).toBeCloseTo(0.9, 4);
    expect(out.qualityFlags).toContain('rewindowed');
  });

  it('rejects bytes that are not a PNG and a corrupt PNG', () => {
    expectPreprocessingError(() => preprocessImaging({ format: 'png', data: 'AAAAAAAA' }, lung), 'bad_encoding', 'inputs.imaging.data');
    const good = Buffer.from(grayPngBase64(8, 8, new Array(64).fill(9)), 'base64');
    const cut = good.subarray(0, good.length - 20).toString('base64');
    expectPreprocessingError(() => preprocessImaging({ format: 'png', data: cut }, lung), 'bad_encoding', 'inputs.imaging.data');
  });

  it('rejects a PNG header claiming a huge image before decoding it', () => {
    const bytes = Buffer.from(grayPngBase64(8, 8, new Array(64).fill(9)), 'base64');
    bytes.writeUInt32BE(60000, 16);
    expectPreprocessingError(
      () => preprocessImaging({ format: 'png', data: bytes.toString('base64') }, lung),
      'unsupported_format',
      'inputs.imaging.data',
    );
  });
});

describe('preprocessImaging (cross-format)', () => {
  it('gives the same tensor for a slice sent as raw HU and as a PNG windowed by the sender', () => {
    // Windowing happens before resampling, so clamped regions agree even after 64 -> 8 area averaging.
    const n = 64;
    const hu = ramp(n * n, (i) => ((i * 37) % 3000) - 2000);
    const lungWindowed = hu.map((v) => Math.round(Math.min(1, Math.max(0, (v + 1350) / 1500)) * 65535));
    const spec: ImagingSpec = { ...DEFAULT_IMAGING_SPEC, size: 8 };
    const fromRaw = preprocessImaging({ format: 'raw', dtype: 'int16', width: n, height: n, data: rawBase64('int16', hu) }, spec);
    const fromPng = preprocessImaging({ format: 'png', data: grayPngBase64(n, n, lungWindowed, 16) }, spec);
    fromRaw.tensor.forEach((v, i) => expect(fromPng.tensor[i]).toBeCloseTo(v, 4));
  });
});

describe('preprocessImaging (spec and format)', () => {
  it('rejects an invalid spec and an unknown format', () => {
    const input = { format: 'raw' as const, dtype: 'uint8' as const, width: 8, height: 8, data: rawBase64('uint8', new Array(64).fill(0)) };
    expectPreprocessingError(() => preprocessImaging(input, { ...spec8, size: 0 }), 'invalid_spec', 'spec.size');
    expectPreprocessingError(() => preprocessImaging(input, { ...spec8, windowWidth: 0 }), 'invalid_spec', 'spec.windowWidth');
    expectPreprocessingError(
      () => preprocessImaging({ format: 'jpeg', data: 'AAAA' } as never, spec8),
      'unsupported_format',
      'inputs.imaging.format',
    );
  });
});
