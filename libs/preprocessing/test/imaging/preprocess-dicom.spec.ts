import { preprocessImaging, type ImagingSpec } from '../../src';
import { EXPLICIT_BE, IMPLICIT_LE, JPEG_BASELINE, dicomBase64, type DicomFixture } from '../fixtures/dicom-fixture';
import { expectPreprocessingError } from '../fixtures/expect-preprocessing-error';

const FIELD = 'inputs.imaging.data';
// size = image side makes area resampling the identity, so tensor values can be checked exactly.
const spec4: ImagingSpec = { size: 4, windowCenter: 0, windowWidth: 2000 };
const dicom = (f: DicomFixture) => ({ format: 'dicom' as const, data: dicomBase64(f) });

// 16 stored values covering negatives, chosen so HU = 2 * v - 1024 spans and exceeds the window.
const signedPixels = [-1000, -600, -200, 0, 100, 300, 500, 700, 900, 1000, 1200, 1400, -32768, 32767, 512, 10];
const expectedSigned = signedPixels.map((v) => Math.min(1, Math.max(0, (2 * v - 1024 + 1000) / 2000)));

describe('preprocessImaging (dicom)', () => {
  it('decodes explicit VR little endian, 16-bit signed, applying rescale before the HU window', () => {
    const out = preprocessImaging(
      dicom({ rows: 4, columns: 4, pixels: signedPixels, pixelRepresentation: 1, rescaleSlope: 2, rescaleIntercept: -1024 }),
      spec4,
    );
    expect(out.shape).toEqual([1, 4, 4]);
    expect(out.tensor).toBeInstanceOf(Float32Array);
    Array.from(out.tensor).forEach((v, i) => expect(v).toBeCloseTo(expectedSigned[i], 6));
    expect(out.qualityFlags).not.toContain('no_rescale');
  });

  it('gives the same tensor for implicit VR little endian', () => {
    const base: DicomFixture = { rows: 4, columns: 4, pixels: signedPixels, pixelRepresentation: 1, rescaleSlope: 2, rescaleIntercept: -1024 };
    const explicit = preprocessImaging(dicom(base), spec4);
    const implicit = preprocessImaging(dicom({ ...base, transferSyntax: IMPLICIT_LE }), spec4);
    expect(Array.from(implicit.tensor)).toEqual(Array.from(explicit.tensor));
  });

  it('decodes 8-bit unsigned pixels', () => {
    const pixels = Array.from({ length: 16 }, (_, i) => i * 17); // 0..255
    const out = preprocessImaging(dicom({ rows: 4, columns: 4, pixels, bitsAllocated: 8 }), {
      size: 4,
      windowCenter: 127.5,
      windowWidth: 255,
    });
    Array.from(out.tensor).forEach((v, i) => expect(v).toBeCloseTo(pixels[i] / 255, 6));
    expect(out.qualityFlags).toContain('no_rescale');
  });

  it('reads unsigned 16-bit values above 32767 as positive', () => {
    const out = preprocessImaging(dicom({ rows: 4, columns: 4, pixels: new Array(16).fill(40000), rescaleIntercept: -40000 }), spec4);
    expect(Array.from(out.tensor)).toEqual(new Array(16).fill(0.5));
  });

  it('masks bits above High Bit and sign-extends a 12-bit signed value', () => {
    // -5 in 12-bit two's complement is 0xFFB; 0xF000 simulates overlay bits that must be ignored.
    const pixels = new Array(16).fill(0xffb);
    const out = preprocessImaging(
      dicom({ rows: 4, columns: 4, pixels, bitsStored: 12, pixelRepresentation: 1, orBits: 0xf000, rescaleSlope: 100 }),
      spec4,
    );
    expect(out.tensor[0]).toBeCloseTo((-500 + 1000) / 2000, 6);
  });

  it('inverts MONOCHROME1 after windowing (minimum displays white) and flags it', () => {
    const base: DicomFixture = { rows: 4, columns: 4, pixels: signedPixels, pixelRepresentation: 1, rescaleSlope: 2, rescaleIntercept: -1024 };
    const mono2 = preprocessImaging(dicom(base), spec4);
    const mono1 = preprocessImaging(dicom({ ...base, photometric: 'MONOCHROME1' }), spec4);
    Array.from(mono1.tensor).forEach((v, i) => expect(v).toBeCloseTo(1 - mono2.tensor[i], 6));
    expect(mono1.qualityFlags).toContain('monochrome1_inverted');
  });

  it('rejects JPEG baseline, naming the transfer syntax UID', () => {
    const e = expectPreprocessingError(
      () => preprocessImaging(dicom({ rows: 4, columns: 4, pixels: signedPixels, transferSyntax: JPEG_BASELINE }), spec4),
      'unsupported_transfer_syntax',
      FIELD,
    );
    expect(e.reason).toContain('1.2.840.10008.1.2.4.50');
    expect(e.reason).toContain('JPEG Baseline');
  });

  it('rejects explicit VR big endian and unknown transfer syntaxes by UID', () => {
    expectPreprocessingError(
      () => preprocessImaging(dicom({ rows: 4, columns: 4, pixels: signedPixels, transferSyntax: EXPLICIT_BE }), spec4),
      'unsupported_transfer_syntax',
      FIELD,
    );
    const e = expectPreprocessingError(
      () => preprocessImaging(dicom({ rows: 4, columns: 4, pixels: signedPixels, transferSyntax: '1.2.3.999' }), spec4),
      'unsupported_transfer_syntax',
      FIELD,
    );
    expect(e.reason).toContain('1.2.3.999');
  });

  it('rejects a file cut off inside Pixel Data (explicit and implicit VR)', () => {
    for (const transferSyntax of [undefined, IMPLICIT_LE]) {
      const e = expectPreprocessingError(
        () => preprocessImaging(dicom({ rows: 4, columns: 4, pixels: signedPixels, cutPixelBytesTo: 20, transferSyntax }), spec4),
        'truncated_pixel_data',
        FIELD,
      );
      expect(e.reason).toMatch(/32|20/);
    }
  });

  it('rejects a Pixel Data element shorter than rows * columns * bytes', () => {
    const e = expectPreprocessingError(
      () => preprocessImaging(dicom({ rows: 4, columns: 4, pixels: signedPixels, shortPixelBytes: 30 }), spec4),
      'truncated_pixel_data',
      FIELD,
    );
    expect(e.reason).toBe('Pixel Data has 30 bytes but 4x4 at 16 bits needs 32');
  });

  it('rejects data that is not DICOM Part 10', () => {
    expectPreprocessingError(
      () => preprocessImaging({ format: 'dicom', data: Buffer.alloc(200).toString('base64') }, spec4),
      'bad_encoding',
      FIELD,
    );
  });

  it('names missing attributes, colour and multi-frame images', () => {
    const base: DicomFixture = { rows: 4, columns: 4, pixels: signedPixels };
    expectPreprocessingError(() => preprocessImaging(dicom({ ...base, omit: ['rows'] }), spec4), 'missing_attribute', FIELD);
    expectPreprocessingError(() => preprocessImaging(dicom({ ...base, omit: ['pixelData'] }), spec4), 'missing_attribute', FIELD);
    expectPreprocessingError(() => preprocessImaging(dicom({ ...base, omit: ['transferSyntax'] }), spec4), 'missing_attribute', FIELD);
    expectPreprocessingError(
      () => preprocessImaging(dicom({ ...base, photometric: 'RGB', samplesPerPixel: 3 }), spec4),
      'unsupported_format',
      FIELD,
    );
    expectPreprocessingError(() => preprocessImaging(dicom({ ...base, numberOfFrames: 2 }), spec4), 'unsupported_format', FIELD);
  });

  it('rejects a non-numeric or zero rescale slope', () => {
    const base: DicomFixture = { rows: 4, columns: 4, pixels: signedPixels };
    expectPreprocessingError(() => preprocessImaging(dicom({ ...base, rescaleSlope: 'abc' }), spec4), 'not_a_number', FIELD);
    expectPreprocessingError(() => preprocessImaging(dicom({ ...base, rescaleSlope: 0 }), spec4), 'impossible_value', FIELD);
  });

  it('flags a non-CT modality', () => {
    const out = preprocessImaging(dicom({ rows: 4, columns: 4, pixels: signedPixels, modality: 'CR' }), spec4);
    expect(out.qualityFlags).toContain('non_ct_modality');
  });
});
