import { decode as fastPngDecode } from 'fast-png';
import { PNG } from 'pngjs';
import { decodePng } from '../../src/imaging/decode-png';
import { inflateGrayPng } from '../../src/imaging/inflate-gray-png';
import { colorPngBase64 } from '../fixtures/png-fixture';

// The native-zlib fast path must read exactly what fast-png (the general decoder) reads, for every row
// filter and both depths; PNGs it does not cover must fall through to fast-png.
describe('inflateGrayPng (grayscale fast path)', () => {
  const width = 37; // odd, so rows are not a multiple of anything convenient
  const height = 23;
  const pixels = (depth: 8 | 16) => {
    const max = depth === 16 ? 65535 : 255;
    // Smooth areas (where Paeth/Average pay off) plus noise (where they wrap around 0xff).
    return Array.from({ length: width * height }, (_, i) => {
      const x = i % width;
      const y = Math.floor(i / width);
      const smooth = (0.5 + 0.5 * Math.sin(x / 5) * Math.cos(y / 3)) * max;
      const noise = ((i * 2654435761) >>> 0) % (max + 1);
      return Math.round(y % 3 === 0 ? noise : smooth);
    });
  };
  const encode = (values: number[], depth: 8 | 16, filterType: number) => {
    const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: depth, inputHasAlpha: false });
    png.data = depth === 16 ? Buffer.from(Uint16Array.from(values).buffer) : Buffer.from(Uint8Array.from(values));
    return PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: depth, inputHasAlpha: false, filterType });
  };

  for (const depth of [8, 16] as const) {
    for (const filterType of [-1, 0, 1, 2, 3, 4]) {
      it(`matches fast-png for ${depth}-bit rows with filter ${filterType === -1 ? 'adaptive' : filterType}`, () => {
        const bytes = encode(pixels(depth), depth, filterType);
        const fast = inflateGrayPng(bytes)!;
        const reference = fastPngDecode(bytes);
        expect([fast.width, fast.height, fast.depth]).toEqual([reference.width, reference.height, reference.depth]);
        const samples = Array.from({ length: width * height }, (_, i) => (depth === 16 ? (fast.bytes[2 * i] << 8) | fast.bytes[2 * i + 1] : fast.bytes[i]));
        expect(samples).toEqual(Array.from(reference.data as ArrayLike<number>));
      });
    }
  }

  it('leaves colour PNGs to the general decoder', () => {
    const colour = Buffer.from(colorPngBase64(2, 1, [[10, 20, 30], [40, 50, 60]]), 'base64');
    expect(inflateGrayPng(colour)).toBeUndefined();
    expect(decodePng({ data: colour }).qualityFlags).toContain('color_converted');
  });

  it('throws on a corrupt image stream, which decodePng reports as bad_encoding', () => {
    const bytes = encode(pixels(8), 8, 0);
    const idat = bytes.indexOf('IDAT');
    const corrupt = Buffer.from(bytes);
    corrupt.fill(0xaa, idat + 6, idat + 40);
    expect(() => inflateGrayPng(corrupt)).toThrow();
    expect(() => decodePng({ data: corrupt })).toThrow(/not a decodable PNG/);
  });
});
