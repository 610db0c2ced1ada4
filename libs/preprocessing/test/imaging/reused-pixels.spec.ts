import { DEFAULT_IMAGING_SPEC, preprocessImaging, type ImagingSpec } from '../../src';
import { decodeRaw } from '../../src/imaging/decode-raw';
import { reusedPixels } from '../../src/imaging/pixel-allocator';
import { grayPngBase64 } from '../fixtures/png-fixture';
import { rawBase64 } from '../fixtures/raw-fixture';

const ramp = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('preprocessImaging reuses one pixel buffer across slices', () => {
  it('gives every slice the tensor it gives on its own, whatever was decoded before (other sizes and formats)', () => {
    const spec: ImagingSpec = { ...DEFAULT_IMAGING_SPEC, size: 8 };
    const big = { format: 'raw' as const, dtype: 'int16' as const, width: 64, height: 64, data: rawBase64('int16', ramp(4096, (i) => (i % 97) * 20 - 900)) };
    const small = { format: 'raw' as const, dtype: 'int16' as const, width: 16, height: 16, data: rawBase64('int16', ramp(256, (i) => 1000 - i * 7)) };
    const odd = { format: 'raw' as const, dtype: 'uint8' as const, width: 24, height: 20, data: rawBase64('uint8', ramp(480, (i) => (i * 13) % 256)) };
    const png = { format: 'png' as const, data: grayPngBase64(16, 16, ramp(256, (i) => i % 256)) };
    const alone = [big, small, odd, png].map((input) => Array.from(preprocessImaging(input, spec).tensor));
    for (const order of [[big, small, odd, png], [png, odd, small, big], [small, big, png, odd]]) {
      for (const input of order) expect(Array.from(preprocessImaging(input, spec).tensor)).toEqual(alone[[big, small, odd, png].indexOf(input)]);
    }
  });
});

describe('reusedPixels', () => {
  it('hands out one growing buffer; a decoder given it overwrites the last pixels, one given none does not', () => {
    const allocate = reusedPixels();
    const a = allocate(10);
    const b = allocate(4);
    expect(b.buffer).toBe(a.buffer);
    expect(allocate(20).length).toBe(20);
    const input = (v: number) => ({ format: 'raw' as const, dtype: 'uint8' as const, width: 8, height: 8, data: rawBase64('uint8', new Array(64).fill(v)) });
    const first = decodeRaw(input(1), allocate);
    decodeRaw(input(2), allocate);
    expect(first.values[0]).toBe(2);
    const kept = decodeRaw(input(3));
    decodeRaw(input(4));
    expect(kept.values[0]).toBe(3);
  });
});
