import { PreprocessingError, isPreprocessingError, parseBase64Strict, parseIsoDateTime } from '../src';
import { imageBytes } from '../src/util/image-bytes';
import { littleEndianSamples } from '../src/util/little-endian-samples';
import { expectPreprocessingError } from './fixtures/expect-preprocessing-error';

describe('PreprocessingError', () => {
  it('carries code, field and reason; message is "field: reason"; serializes to JSON', () => {
    const e = new PreprocessingError('impossible_value', 'inputs.x', 'is wrong');
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('inputs.x: is wrong');
    expect(JSON.parse(JSON.stringify(e))).toEqual({ code: 'impossible_value', field: 'inputs.x', reason: 'is wrong' });
    expect(isPreprocessingError(e)).toBe(true);
    expect(isPreprocessingError({ name: 'PreprocessingError', code: 'x', field: 'y' })).toBe(true);
    expect(isPreprocessingError(new Error('x'))).toBe(false);
  });
});

describe('parseBase64Strict', () => {
  it('decodes padded and unpadded base64', () => {
    expect(parseBase64Strict('aGVsbG8=', 'f').toString()).toBe('hello');
    expect(parseBase64Strict('aGVsbG8', 'f').toString()).toBe('hello');
  });

  it.each(['', 'aGVs bG8=', 'aGVsbG8=\n', 'aGVs*bG8=', 'aGVsbG8==', 'aGVsb', 'a=GV', 'aGVsbG8-'])('rejects %j', (text) => {
    expectPreprocessingError(() => parseBase64Strict(text, 'inputs.imaging.data'), 'bad_encoding', 'inputs.imaging.data');
  });
});

describe('parseIsoDateTime', () => {
  it('parses offsets and fractions', () => {
    expect(parseIsoDateTime('2024-05-01T12:00:00Z')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(parseIsoDateTime('2024-05-01T14:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(parseIsoDateTime('2024-05-01T11:30:00.250-00:30')).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 250));
    expect(parseIsoDateTime('2024-02-29T00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it.each(['2023-02-29T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T12:00:00', '2024-05-01T12:00:60Z', '2024-05-01', 'May 1 2024'])(
    'rejects %j',
    (text) => expect(parseIsoDateTime(text)).toBeUndefined(),
  );
});

describe('littleEndianSamples', () => {
  const bytes = Uint8Array.from([0x00, 0x34, 0x12, 0xff, 0xff, 0x00, 0x80]);

  it('views aligned samples without copying', () => {
    const samples = littleEndianSamples(bytes, 2, 2, Int16Array)!;
    expect(samples.buffer).toBe(bytes.buffer);
    expect(Array.from(samples)).toEqual([-238, 255]);
  });

  it('copies a misaligned run (a Buffer slice can start anywhere) and reads the same little-endian values', () => {
    const samples = littleEndianSamples(bytes, 1, 3, Uint16Array)!;
    expect(samples.buffer).not.toBe(bytes.buffer);
    expect(Array.from(samples)).toEqual([0x1234, 0xffff, 0x8000]);
  });
});

describe('imageBytes', () => {
  it('passes raw bytes through and decodes base64 strictly', () => {
    const raw = Uint8Array.from([1, 2, 3]);
    expect(Array.from(imageBytes(raw, 'inputs.imaging.data'))).toEqual([1, 2, 3]);
    expect(Array.from(imageBytes('AQID', 'inputs.imaging.data'))).toEqual([1, 2, 3]);
    expectPreprocessingError(() => imageBytes(new Uint8Array(0), 'inputs.imaging.data'), 'bad_encoding', 'inputs.imaging.data');
    expectPreprocessingError(() => imageBytes('AQ-D', 'inputs.imaging.data'), 'bad_encoding', 'inputs.imaging.data');
  });
});
