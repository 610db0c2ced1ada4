import { PNG } from 'pngjs';
import { PreprocessingError } from '../errors/preprocessing-error';
import { parseBase64Strict } from '../util/parse-base64-strict';
import type { DecodedImage } from './decoded-image';
import { MAX_IMAGE_SIDE } from './imaging-spec';

const FIELD = 'inputs.imaging.data';
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// ITU-R BT.601 luma: the weights image libraries use for "convert to grayscale", so a colour
// screenshot of a grayscale viewer comes out as the gray it displayed.
const LUMA = [0.299, 0.587, 0.114] as const;

export interface PngImageFields {
  data: string;
  windowCenter?: number;
  windowWidth?: number;
}

/**
 * Reads the IHDR dimensions before inflating: a 100-byte PNG can claim 60000x60000 and pngjs
 * would allocate it all, so the size limit has to be checked from the header.
 */
function readHeaderSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new PreprocessingError('bad_encoding', FIELD, 'is not a PNG file (bad signature or missing IHDR)');
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function windowField(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new PreprocessingError('not_a_number', `inputs.imaging.${name}`, 'must be a finite number');
  }
  return value;
}

/**
 * PNG -> windowed intensity in [0, 1] (pixel / maxValue, per the contract). Grayscale of any bit
 * depth is used as is; colour/palette images are converted to luma and flagged, because the model
 * only ever saw grayscale. Alpha is ignored (flagged if any pixel is not opaque).
 */
export function decodePng(input: PngImageFields): DecodedImage {
  const center = windowField(input.windowCenter, 'windowCenter', -600);
  const windowWidth = windowField(input.windowWidth, 'windowWidth', 1500);
  if (windowWidth <= 0) throw new PreprocessingError('impossible_value', 'inputs.imaging.windowWidth', 'must be > 0');

  const bytes = parseBase64Strict(input.data, FIELD);
  const header = readHeaderSize(bytes);
  if (header.width < 1 || header.height < 1 || header.width > MAX_IMAGE_SIDE || header.height > MAX_IMAGE_SIDE) {
    throw new PreprocessingError(
      'unsupported_format',
      FIELD,
      `PNG is ${header.width}x${header.height}; each side must be 1..${MAX_IMAGE_SIDE}`,
    );
  }
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    // skipRescale keeps 16-bit samples (and 1/2/4-bit ones) at their native depth instead of squashing to 8 bits.
    png = PNG.sync.read(bytes, { skipRescale: true });
  } catch {
    throw new PreprocessingError('bad_encoding', FIELD, 'is not a decodable PNG (corrupt or truncated)');
  }
  const { width, height, depth } = png;
  const paletted = png.palette === true;
  const colour = png.color === true;
  // pngjs expands palettes to 8-bit RGBA; otherwise samples keep the file's bit depth.
  const maxValue = paletted ? 255 : 2 ** depth - 1;
  const data = png.data as unknown as ArrayLike<number>;
  const count = width * height;
  if (data.length < count * 4) throw new PreprocessingError('bad_encoding', FIELD, 'PNG pixel data is shorter than its header says');

  const qualityFlags: string[] = [];
  if (colour || paletted) qualityFlags.push('color_converted');
  if ((png as unknown as { transColor?: unknown }).transColor) qualityFlags.push('transparency_ignored');
  const values = new Float64Array(count);
  let translucent = false;
  for (let i = 0; i < count; i++) {
    const p = i * 4;
    const gray = colour || paletted ? LUMA[0] * data[p] + LUMA[1] * data[p + 1] + LUMA[2] * data[p + 2] : data[p];
    if (data[p + 3] !== maxValue) translucent = true;
    values[i] = Math.min(1, Math.max(0, gray / maxValue));
  }
  if (translucent && !qualityFlags.includes('transparency_ignored')) qualityFlags.push('transparency_ignored');
  return { width, height, values, kind: 'intensity', sourceWindow: { center, width: windowWidth }, qualityFlags };
}
