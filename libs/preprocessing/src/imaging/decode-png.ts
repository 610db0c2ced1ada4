import { decode as decodePngBytes } from 'fast-png';
import { PreprocessingError } from '../errors/preprocessing-error';
import { imageBytes } from '../util/image-bytes';
import { inflateGrayPng, type GrayPngSamples } from './inflate-gray-png';
import type { DecodedImage } from './decoded-image';
import { MAX_IMAGE_SIDE } from './imaging-spec';
import { freshPixels, type PixelAllocator } from './pixel-allocator';

const FIELD = 'inputs.imaging.data';
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// ITU-R BT.601 luma: the weights image libraries use for "convert to grayscale", so a colour
// screenshot of a grayscale viewer comes out as the gray it displayed.
const LUMA = [0.299, 0.587, 0.114] as const;

export interface PngImageFields {
  /** Base64 text (the API form) or the bytes themselves. */
  data: string | Uint8Array;
  windowCenter?: number;
  windowWidth?: number;
}

/**
 * Reads the IHDR dimensions before inflating: a 100-byte PNG can claim 60000x60000 and a decoder
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
export function decodePng(input: PngImageFields, allocate: PixelAllocator = freshPixels): DecodedImage {
  const center = windowField(input.windowCenter, 'windowCenter', -600);
  const windowWidth = windowField(input.windowWidth, 'windowWidth', 1500);
  if (windowWidth <= 0) throw new PreprocessingError('impossible_value', 'inputs.imaging.windowWidth', 'must be > 0');

  const bytes = imageBytes(input.data, FIELD);
  const header = readHeaderSize(bytes);
  if (header.width < 1 || header.height < 1 || header.width > MAX_IMAGE_SIDE || header.height > MAX_IMAGE_SIDE) {
    throw new PreprocessingError(
      'unsupported_format',
      FIELD,
      `PNG is ${header.width}x${header.height}; each side must be 1..${MAX_IMAGE_SIDE}`,
    );
  }
  let gray: GrayPngSamples | undefined;
  try {
    gray = inflateGrayPng(bytes);
  } catch {
    throw new PreprocessingError('bad_encoding', FIELD, 'is not a decodable PNG (corrupt or truncated)');
  }
  if (gray) return grayImage(gray, { center, width: windowWidth }, allocate);

  let png: ReturnType<typeof decodePngBytes>;
  try {
    // fast-png (image-js) keeps 16-bit samples at their depth and is ~3x faster than pngjs on 16-bit
    // grayscale, which dominated the imaging worker's CPU profile.
    png = decodePngBytes(bytes);
  } catch {
    throw new PreprocessingError('bad_encoding', FIELD, 'is not a decodable PNG (corrupt or truncated)');
  }
  const { width, height, depth, channels } = png;
  const palette = png.palette as number[][] | undefined;
  const data = png.data as ArrayLike<number>;
  const count = width * height;
  if (data.length < count * channels) throw new PreprocessingError('bad_encoding', FIELD, 'PNG pixel data is shorter than its header says');
  // Palette entries are 8-bit; otherwise samples keep the file's bit depth.
  const maxValue = palette ? 255 : 2 ** depth - 1;
  const colour = palette !== undefined || channels >= 3;

  const qualityFlags: string[] = [];
  if (colour) qualityFlags.push('color_converted');
  if ((png as { transparency?: unknown }).transparency !== undefined) qualityFlags.push('transparency_ignored');
  const values = allocate(count);
  const hasAlpha = channels === 2 || channels === 4;
  let translucent = false;
  for (let i = 0; i < count; i++) {
    const p = i * channels;
    let gray: number;
    if (palette) {
      const entry = palette[data[p]] ?? [0, 0, 0];
      gray = LUMA[0] * entry[0] + LUMA[1] * entry[1] + LUMA[2] * entry[2];
      if (entry.length > 3 && entry[3] !== 255) translucent = true;
    } else if (channels >= 3) {
      gray = LUMA[0] * data[p] + LUMA[1] * data[p + 1] + LUMA[2] * data[p + 2];
    } else {
      gray = data[p];
    }
    if (hasAlpha && data[p + channels - 1] !== maxValue) translucent = true;
    values[i] = Math.min(1, Math.max(0, gray / maxValue));
  }
  if (translucent && !qualityFlags.includes('transparency_ignored')) qualityFlags.push('transparency_ignored');
  return { width, height, values, kind: 'intensity', sourceWindow: { center, width: windowWidth }, qualityFlags };
}

/** The common grayscale case: sample / maxValue, no colour or alpha to handle. */
function grayImage(gray: GrayPngSamples, sourceWindow: { center: number; width: number }, allocate: PixelAllocator): DecodedImage {
  const { width, height, bytes } = gray;
  const count = width * height;
  const values = allocate(count);
  if (gray.depth === 16) {
    for (let i = 0; i < count; i++) values[i] = ((bytes[2 * i] << 8) | bytes[2 * i + 1]) / 65535;
  } else {
    for (let i = 0; i < count; i++) values[i] = bytes[i] / 255;
  }
  return { width, height, values, kind: 'intensity', sourceWindow, qualityFlags: [] };
}
