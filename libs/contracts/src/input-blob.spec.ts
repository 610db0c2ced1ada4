import { decodeInputBlob, encodeInputBlob, InputBlobError, INPUT_BLOB_MAGIC } from './input-blob';

describe('input blob (claim-check format)', () => {
  it('round-trips an input whose binary field is stored as raw bytes', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
    const blob = encodeInputBlob({ format: 'raw', data: 'ignored-base64', width: 10, height: 15, dtype: 'int16' }, { field: 'data', bytes });
    expect(blob.toString('latin1', 0, 4)).toBe(INPUT_BLOB_MAGIC);
    const decoded = decodeInputBlob(blob) as Record<string, unknown>;
    expect(decoded).toEqual({ format: 'raw', width: 10, height: 15, dtype: 'int16', data: Buffer.from(bytes) });
    expect(Buffer.isBuffer(decoded['data'])).toBe(true);
  });

  it('stores the raw bytes, a quarter smaller than their base64', () => {
    const bytes = new Uint8Array(30_000).fill(200);
    const base64 = Buffer.from(bytes).toString('base64');
    const blob = encodeInputBlob({ format: 'dicom', data: base64 }, { field: 'data', bytes });
    expect(blob.length).toBeLessThan(JSON.stringify({ format: 'dicom', data: base64 }).length * 0.76);
  });

  it('round-trips an input without a binary field', () => {
    const input = { labs: [{ name: 'crp', value: 3.2, unit: 'mg/L' }], age: 70 };
    expect(decodeInputBlob(encodeInputBlob(input))).toEqual(input);
  });

  it('reads a plain JSON blob written before the format existed', () => {
    expect(decodeInputBlob(Buffer.from('{"format":"png","data":"iVBORw0KGgo="}'))).toEqual({ format: 'png', data: 'iVBORw0KGgo=' });
  });

  it('rejects unreadable blobs with an error that does not quote their content', () => {
    expect(() => decodeInputBlob(Buffer.from('{"secret-patient-name'))).toThrow(new InputBlobError('not valid JSON'));
    const truncated = encodeInputBlob({ a: 1 }).subarray(0, 10);
    expect(() => decodeInputBlob(truncated)).toThrow(/header of \d+ bytes runs past/);
    const trailing = Buffer.concat([encodeInputBlob({ a: 1 }), Buffer.from([1, 2])]);
    expect(() => decodeInputBlob(trailing)).toThrow(/binary bytes without a binary field/);
    try {
      decodeInputBlob(Buffer.from('{"secret-patient-name'));
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
    }
  });

  it('refuses a binary field on a non-object input', () => {
    expect(() => encodeInputBlob([1, 2], { field: 'data', bytes: new Uint8Array(1) })).toThrow(TypeError);
  });
});
