import { parseDicom, readPart10Header, type DataSet } from 'dicom-parser';
import { PreprocessingError } from '../errors/preprocessing-error';
import { littleEndianSamples } from '../util/little-endian-samples';
import { imageBytes } from '../util/image-bytes';
import type { DecodedImage } from './decoded-image';
import { MAX_IMAGE_SIDE } from './imaging-spec';
import { freshPixels, type PixelAllocator } from './pixel-allocator';

const FIELD = 'inputs.imaging.data';

/** Native (uncompressed) little endian only: anything else needs a codec we deliberately do not ship. */
export const SUPPORTED_TRANSFER_SYNTAXES = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1'] as const;

// Names only make the error actionable for the sender; unknown UIDs are still reported by UID.
const KNOWN_TRANSFER_SYNTAXES: Record<string, string> = {
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

const TAG = {
  transferSyntax: 'x00020010',
  modality: 'x00080060',
  samplesPerPixel: 'x00280002',
  photometric: 'x00280004',
  numberOfFrames: 'x00280008',
  rows: 'x00280010',
  columns: 'x00280011',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  highBit: 'x00280102',
  pixelRepresentation: 'x00280103',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  pixelData: 'x7fe00010',
} as const;

/** Strips the NUL/space padding DICOM puts on UIDs and code strings. */
function cleanString(value: string | undefined): string | undefined {
  const s = value?.replace(/[\0\s]+$/, '').trim();
  return s ? s : undefined;
}

function readTransferSyntax(bytes: Buffer): string {
  if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM') {
    throw new PreprocessingError('bad_encoding', FIELD, "is not a DICOM Part 10 file (no 'DICM' marker at byte 128)");
  }
  let meta: DataSet;
  try {
    meta = readPart10Header(bytes);
  } catch {
    throw new PreprocessingError('bad_encoding', FIELD, 'has an unreadable DICOM file meta header');
  }
  const uid = cleanString(meta.string(TAG.transferSyntax));
  if (!uid) throw new PreprocessingError('missing_attribute', FIELD, 'DICOM meta header has no Transfer Syntax UID (0002,0010)');
  return uid;
}

/**
 * dicom-parser throws `{ exception, dataSet }` (not an Error) with what it parsed so far; an element
 * that runs past the end of the buffer is how a cut-off upload shows up, and for Pixel Data that is
 * the "truncated" case the sender should hear about.
 */
function parseDataSet(bytes: Buffer): DataSet {
  try {
    return parseDicom(bytes);
  } catch (thrown) {
    const partial = (thrown as { dataSet?: DataSet } | undefined)?.dataSet;
    const pixel = partial?.elements[TAG.pixelData];
    if (pixel && pixel.dataOffset + pixel.length > bytes.length) {
      throw new PreprocessingError(
        'truncated_pixel_data',
        FIELD,
        `Pixel Data (7FE0,0010) declares ${pixel.length} bytes but the file ends after ${Math.max(0, bytes.length - pixel.dataOffset)}`,
      );
    }
    throw new PreprocessingError('bad_encoding', FIELD, 'is not a parseable DICOM data set');
  }
}

function requireUint16(ds: DataSet, tag: string, name: string): number {
  const v = ds.uint16(tag);
  if (v === undefined) throw new PreprocessingError('missing_attribute', FIELD, `DICOM ${name} is missing`);
  return v;
}

function readRescale(ds: DataSet, tag: string, name: string): number | undefined {
  if (!ds.elements[tag]) return undefined;
  const v = ds.floatString(tag);
  if (v === undefined || !Number.isFinite(v)) {
    throw new PreprocessingError('not_a_number', FIELD, `DICOM ${name} is not a finite decimal`);
  }
  return v;
}

/**
 * DICOM Part 10 (uncompressed little endian, 8/16-bit, one grayscale sample per pixel, one frame)
 * -> Hounsfield units via the modality LUT (RescaleSlope/Intercept).
 */
export function decodeDicom(data: string | Uint8Array, allocate: PixelAllocator = freshPixels): DecodedImage {
  const bytes = imageBytes(data, FIELD);
  const transferSyntax = readTransferSyntax(bytes);
  if (!(SUPPORTED_TRANSFER_SYNTAXES as readonly string[]).includes(transferSyntax)) {
    const name = KNOWN_TRANSFER_SYNTAXES[transferSyntax];
    throw new PreprocessingError(
      'unsupported_transfer_syntax',
      FIELD,
      `DICOM transfer syntax ${transferSyntax}${name ? ` (${name})` : ''} is not supported; ` +
        `send uncompressed little endian (${SUPPORTED_TRANSFER_SYNTAXES.join(' or ')})`,
    );
  }
  const ds = parseDataSet(bytes);
  const qualityFlags: string[] = [];

  const rows = requireUint16(ds, TAG.rows, 'Rows (0028,0010)');
  const columns = requireUint16(ds, TAG.columns, 'Columns (0028,0011)');
  const bitsAllocated = requireUint16(ds, TAG.bitsAllocated, 'Bits Allocated (0028,0100)');
  // Lenient defaults for type-1 attributes some exporters drop; each matches the common CT case.
  const samplesPerPixel = ds.uint16(TAG.samplesPerPixel) ?? 1;
  const pixelRepresentation = ds.uint16(TAG.pixelRepresentation) ?? 0;
  const bitsStored = ds.uint16(TAG.bitsStored) ?? bitsAllocated;
  const highBit = ds.uint16(TAG.highBit) ?? bitsStored - 1;
  const photometric = cleanString(ds.string(TAG.photometric)) ?? 'MONOCHROME2';
  const frames = ds.elements[TAG.numberOfFrames] ? (ds.intString(TAG.numberOfFrames) ?? 1) : 1;

  if (rows < 1 || columns < 1 || rows > MAX_IMAGE_SIDE || columns > MAX_IMAGE_SIDE) {
    throw new PreprocessingError(
      'unsupported_format',
      FIELD,
      `DICOM image is ${columns}x${rows}; each side must be 1..${MAX_IMAGE_SIDE}`,
    );
  }
  if (samplesPerPixel !== 1 || (photometric !== 'MONOCHROME1' && photometric !== 'MONOCHROME2')) {
    throw new PreprocessingError(
      'unsupported_format',
      FIELD,
      `DICOM ${photometric} with ${samplesPerPixel} samples per pixel is not supported; send a grayscale (MONOCHROME1/2) slice`,
    );
  }
  if (frames !== 1) {
    throw new PreprocessingError('unsupported_format', FIELD, `DICOM has ${frames} frames; send one slice`);
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw new PreprocessingError('unsupported_format', FIELD, `DICOM Bits Allocated ${bitsAllocated} is not supported (8 or 16)`);
  }
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    throw new PreprocessingError(
      'unsupported_format',
      FIELD,
      `DICOM Bits Stored ${bitsStored} / High Bit ${highBit} do not fit in Bits Allocated ${bitsAllocated}`,
    );
  }
  if (pixelRepresentation !== 0 && pixelRepresentation !== 1) {
    throw new PreprocessingError('unsupported_format', FIELD, `DICOM Pixel Representation ${pixelRepresentation} is not 0 or 1`);
  }

  const slope = readRescale(ds, TAG.rescaleSlope, 'Rescale Slope (0028,1053)');
  const intercept = readRescale(ds, TAG.rescaleIntercept, 'Rescale Intercept (0028,1052)');
  if (slope === 0) throw new PreprocessingError('impossible_value', FIELD, 'DICOM Rescale Slope is 0, which erases the image');
  if (slope === undefined && intercept === undefined) qualityFlags.push('no_rescale');
  const modality = cleanString(ds.string(TAG.modality));
  if (modality !== undefined && modality !== 'CT') qualityFlags.push('non_ct_modality');

  const pixel = ds.elements[TAG.pixelData];
  if (!pixel) throw new PreprocessingError('missing_attribute', FIELD, 'DICOM Pixel Data (7FE0,0010) is missing');
  if (pixel.encapsulatedPixelData) {
    throw new PreprocessingError(
      'unsupported_format',
      FIELD,
      'DICOM Pixel Data is encapsulated (compressed) under a native transfer syntax',
    );
  }
  const bytesPerPixel = bitsAllocated / 8;
  const count = rows * columns;
  const needed = count * bytesPerPixel;
  // Implicit VR parsing does not check element bounds, so compare against the bytes actually present too.
  const available = Math.min(pixel.length, Math.max(0, bytes.length - pixel.dataOffset));
  if (available < needed) {
    throw new PreprocessingError(
      'truncated_pixel_data',
      FIELD,
      `Pixel Data has ${available} bytes but ${columns}x${rows} at ${bitsAllocated} bits needs ${needed}`,
    );
  }

  // Pixel values live in bits [highBit - bitsStored + 1, highBit]; anything above (old overlay planes) is masked off.
  // Two's complement of bitsStored bits is sign-extended as (v ^ signBit) - signBit: no per-pixel branch,
  // which CT's mix of negative (air, lung) and positive (tissue, bone) values kept mispredicting.
  const shift = highBit + 1 - bitsStored;
  const mask = (2 ** bitsStored - 1) | 0;
  const signBit = pixelRepresentation === 1 ? 2 ** (bitsStored - 1) : 0;
  const words = bytesPerPixel === 2 ? littleEndianSamples(bytes, pixel.dataOffset, count, Uint16Array) : bytes.subarray(pixel.dataOffset, pixel.dataOffset + count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + pixel.dataOffset, needed);
  const m = slope ?? 1;
  const b = intercept ?? 0;
  const values = allocate(count);
  for (let i = 0; i < count; i++) {
    const word = words ? words[i] : view.getUint16(i * 2, true);
    values[i] = ((((word >>> shift) & mask) ^ signBit) - signBit) * m + b;
  }
  if (photometric === 'MONOCHROME1') qualityFlags.push('monochrome1_inverted');
  return { width: columns, height: rows, values, kind: 'hu', invert: photometric === 'MONOCHROME1', qualityFlags };
}
