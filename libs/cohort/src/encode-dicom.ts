/**
 * A minimal DICOM Part 10 writer for one CT slice: 128-byte preamble, "DICM", a group 0002 file meta
 * header, then the dataset, all explicit VR little endian (1.2.840.10008.1.2.1), uncompressed.
 * Written by hand (rather than with a toolkit) because it is ~150 lines and the tests read the
 * output back with dicom-parser, an independent implementation.
 */

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** "2.25" + a fixed UUID-derived integer identifying this writer (not a real vendor). */
const IMPLEMENTATION_CLASS_UID = '2.25.157217395914183393917231364521478710427';
const IMPLEMENTATION_VERSION = 'LF_COHORT_1';

export interface DicomSliceInput {
  /** Hounsfield units, row-major, rows x columns. */
  hu: Int16Array;
  rows: number;
  columns: number;
  /** Synthetic patient id only (e.g. SYN-7-42); nothing else identifying is written. */
  patientId: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** Stored pixel = HU - rescaleIntercept (slope 1). -1024 keeps stored values >= 0 for HU >= -1024. */
  rescaleIntercept?: number;
  windowCenter?: number;
  windowWidth?: number;
  /** Millimetres per pixel (row spacing, column spacing). */
  pixelSpacingMm?: number;
}

/** VRs whose explicit-VR header has 2 reserved bytes and a 32-bit length (PS3.5 7.1.2). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

interface Element {
  group: number;
  element: number;
  vr: string;
  value: Buffer;
}

export function encodeDicom(input: DicomSliceInput): Buffer {
  const { hu, rows, columns } = input;
  if (hu.length !== rows * columns) throw new RangeError(`pixel count ${hu.length} does not match ${rows} x ${columns}`);
  const intercept = input.rescaleIntercept ?? -1024;
  const spacing = input.pixelSpacingMm ?? 350 / columns;

  const pixels = Buffer.alloc(hu.length * 2);
  for (let i = 0; i < hu.length; i++) {
    const stored = hu[i] - intercept;
    if (stored < -32768 || stored > 32767) throw new RangeError(`HU ${hu[i]} does not fit int16 with intercept ${intercept}`);
    pixels.writeInt16LE(stored, i * 2);
  }

  const dataset: Element[] = [
    str(0x0008, 0x0008, 'CS', 'DERIVED\\SECONDARY\\AXIAL'),
    uid(0x0008, 0x0016, CT_IMAGE_STORAGE),
    uid(0x0008, 0x0018, input.sopInstanceUid),
    str(0x0008, 0x0060, 'CS', 'CT'),
    str(0x0010, 0x0010, 'PN', ''),
    str(0x0010, 0x0020, 'LO', input.patientId),
    str(0x0012, 0x0062, 'CS', 'YES'),
    uid(0x0020, 0x000d, input.studyInstanceUid),
    uid(0x0020, 0x000e, input.seriesInstanceUid),
    str(0x0020, 0x0013, 'IS', '1'),
    us(0x0028, 0x0002, 1),
    str(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    us(0x0028, 0x0010, rows),
    us(0x0028, 0x0011, columns),
    str(0x0028, 0x0030, 'DS', `${ds(spacing)}\\${ds(spacing)}`),
    us(0x0028, 0x0100, 16),
    us(0x0028, 0x0101, 16),
    us(0x0028, 0x0102, 15),
    us(0x0028, 0x0103, 1),
    str(0x0028, 0x1050, 'DS', ds(input.windowCenter ?? -600)),
    str(0x0028, 0x1051, 'DS', ds(input.windowWidth ?? 1500)),
    str(0x0028, 0x1052, 'DS', ds(intercept)),
    str(0x0028, 0x1053, 'DS', '1'),
    str(0x0028, 0x1054, 'LO', 'HU'),
    { group: 0x7fe0, element: 0x0010, vr: 'OW', value: pixels },
  ];

  const metaBody = Buffer.concat(
    [
      { group: 0x0002, element: 0x0001, vr: 'OB', value: Buffer.from([0x00, 0x01]) },
      uid(0x0002, 0x0002, CT_IMAGE_STORAGE),
      uid(0x0002, 0x0003, input.sopInstanceUid),
      uid(0x0002, 0x0010, EXPLICIT_VR_LITTLE_ENDIAN),
      uid(0x0002, 0x0012, IMPLEMENTATION_CLASS_UID),
      str(0x0002, 0x0013, 'SH', IMPLEMENTATION_VERSION),
    ].map(encodeElement),
  );
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaBody.length, 0);

  return Buffer.concat([
    Buffer.alloc(128),
    Buffer.from('DICM', 'ascii'),
    encodeElement({ group: 0x0002, element: 0x0000, vr: 'UL', value: groupLength }),
    metaBody,
    ...dataset.map(encodeElement),
  ]);
}

function encodeElement({ group, element, vr, value }: Element): Buffer {
  if (value.length % 2 !== 0) throw new Error(`odd value length for (${group.toString(16)},${element.toString(16)})`);
  const long = LONG_VRS.has(vr);
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(element, 2);
  header.write(vr, 4, 'ascii');
  if (long) header.writeUInt32LE(value.length, 8);
  else header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

/** Text VRs are padded to even length with a space (PS3.5 6.2). */
function str(group: number, element: number, vr: string, text: string): Element {
  const padded = text.length % 2 === 0 ? text : `${text} `;
  return { group, element, vr, value: Buffer.from(padded, 'ascii') };
}

/** UIDs are padded with a NUL byte instead of a space. */
function uid(group: number, element: number, value: string): Element {
  const padded = value.length % 2 === 0 ? value : `${value}\0`;
  return { group, element, vr: 'UI', value: Buffer.from(padded, 'ascii') };
}

function us(group: number, element: number, value: number): Element {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value, 0);
  return { group, element, vr: 'US', value: b };
}

/** Decimal String: at most 16 characters. */
function ds(value: number): string {
  const text = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(8)));
  if (text.length > 16) throw new RangeError(`DS value ${value} is longer than 16 characters`);
  return text;
}
