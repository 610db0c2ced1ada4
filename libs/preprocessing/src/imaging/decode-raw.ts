import { RAW_BYTES_PER_SAMPLE, RAW_DTYPES } from '@lf/contracts';
import { PreprocessingError } from '../errors/preprocessing-error';
import { littleEndianSamples } from '../util/little-endian-samples';
import { imageBytes } from '../util/image-bytes';
import type { DecodedImage } from './decoded-image';
import { MAX_IMAGE_SIDE } from './imaging-spec';
import { freshPixels, type PixelAllocator } from './pixel-allocator';

type RawDtype = (typeof RAW_DTYPES)[number];

const SAMPLE_ARRAYS = { int16: Int16Array, uint16: Uint16Array, float32: Float32Array, uint8: Uint8Array } as const;

export interface RawImageFields {
  /** Base64 text (the API form) or the bytes themselves. */
  data: string | Uint8Array;
  dtype: RawDtype;
  width: number;
  height: number;
  rescaleSlope?: number;
  rescaleIntercept?: number;
}

function readPixel(view: DataView, dtype: RawDtype, i: number): number {
  switch (dtype) {
    case 'int16':
      return view.getInt16(i * 2, true);
    case 'uint16':
      return view.getUint16(i * 2, true);
    case 'float32':
      return view.getFloat32(i * 4, true);
    case 'uint8':
      return view.getUint8(i);
  }
}

function assertDimension(value: unknown, name: 'width' | 'height'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_IMAGE_SIDE) {
    throw new PreprocessingError('invalid_value', `inputs.imaging.${name}`, `must be an integer in 1..${MAX_IMAGE_SIDE}`);
  }
  return value;
}

function assertFinite(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new PreprocessingError('not_a_number', `inputs.imaging.${name}`, 'must be a finite number');
  }
  return value;
}

/** Row-major little-endian pixel array -> Hounsfield units (value * slope + intercept). */
export function decodeRaw(input: RawImageFields, allocate: PixelAllocator = freshPixels): DecodedImage {
  const width = assertDimension(input.width, 'width');
  const height = assertDimension(input.height, 'height');
  if (!(RAW_DTYPES as readonly string[]).includes(input.dtype)) {
    throw new PreprocessingError('invalid_value', 'inputs.imaging.dtype', `must be one of ${RAW_DTYPES.join('|')}`);
  }
  const slope = assertFinite(input.rescaleSlope, 'rescaleSlope', 1);
  const intercept = assertFinite(input.rescaleIntercept, 'rescaleIntercept', 0);
  if (slope === 0) throw new PreprocessingError('impossible_value', 'inputs.imaging.rescaleSlope', 'is 0, which erases the image');

  const bytes = imageBytes(input.data, 'inputs.imaging.data');
  const bytesPerPixel = RAW_BYTES_PER_SAMPLE[input.dtype];
  const count = width * height;
  const expected = count * bytesPerPixel;
  if (bytes.length < expected) {
    throw new PreprocessingError(
      'truncated_pixel_data',
      'inputs.imaging.data',
      `has ${bytes.length} bytes but ${width}x${height} ${input.dtype} needs ${expected}`,
    );
  }
  if (bytes.length > expected) {
    // Extra bytes almost always mean swapped/wrong dimensions or dtype; guessing would feed the model a sheared image.
    throw new PreprocessingError(
      'size_mismatch',
      'inputs.imaging.data',
      `has ${bytes.length} bytes but ${width}x${height} ${input.dtype} needs exactly ${expected}`,
    );
  }
  const samples = littleEndianSamples(bytes, 0, count, SAMPLE_ARRAYS[input.dtype]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, expected);
  const dtype = input.dtype;
  const values = allocate(count);
  if (samples && dtype !== 'float32') {
    // Integer samples are always finite: the common case skips the check (~290 -> ~130 us per 256x256 slice).
    for (let i = 0; i < count; i++) values[i] = samples[i] * slope + intercept;
    return { width, height, values, kind: 'hu', qualityFlags: [] };
  }
  for (let i = 0; i < count; i++) {
    const v = samples ? samples[i] : readPixel(view, dtype, i);
    if (!Number.isFinite(v)) {
      throw new PreprocessingError(
        'not_a_number',
        'inputs.imaging.data',
        `pixel ${i} (row ${Math.floor(i / width)}, column ${i % width}) is ${v}`,
      );
    }
    values[i] = v * slope + intercept;
  }
  return { width, height, values, kind: 'hu', qualityFlags: [] };
}
