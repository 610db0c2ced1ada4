type Dcmjs = { data: { datasetToBuffer(dataset: Record<string, unknown>): ArrayBuffer }; log?: { setLevel?(level: string): void } };

/** Loaded on first use: @lf/testing is also loaded by `npm start`, which should not pay for dcmjs. */
function loadDcmjs(): Dcmjs {
  // dcmjs ships no type declarations; the slice of its API used here is typed above.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dcmjs = require('dcmjs') as Dcmjs;
  dcmjs.log?.setLevel?.('error');
  return dcmjs;
}

export interface DcmjsSliceOptions {
  /** Hounsfield units, row-major. */
  hu: Int16Array;
  rows: number;
  columns: number;
  /** Stored = HU - intercept. Default -1024 (stored values are then >= 0 for any HU >= -1024). */
  rescaleIntercept?: number;
  /** Write signed pixels (PixelRepresentation 1) instead of unsigned. */
  signed?: boolean;
  photometric?: 'MONOCHROME1' | 'MONOCHROME2';
  /** Implicit VR Little Endian instead of Explicit. */
  implicitVr?: boolean;
}

/**
 * A CT slice written by dcmjs (an independent, maintained DICOM library), so tests read DICOM files that our
 * own cohort writer did not produce: the gateway and imaging worker must accept what PACS software writes.
 * MONOCHROME1 only changes how stored values are displayed (minimum = white), so they are written as is.
 */
export function writeDicomWithDcmjs(options: DcmjsSliceOptions): Buffer {
  const intercept = options.rescaleIntercept ?? -1024;
  const stored = options.signed ? new Int16Array(options.hu.length) : new Uint16Array(options.hu.length);
  for (let i = 0; i < options.hu.length; i++) stored[i] = options.hu[i] - intercept;
  const uid = '2.25.1234567890123456789012345678901234';
  const dataset = {
    _meta: {
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      MediaStorageSOPInstanceUID: uid,
      TransferSyntaxUID: options.implicitVr ? '1.2.840.10008.1.2' : '1.2.840.10008.1.2.1',
      ImplementationClassUID: '2.25.9876543210',
    },
    _vrMap: { PixelData: 'OW' },
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: uid,
    StudyInstanceUID: `${uid}.1`,
    SeriesInstanceUID: `${uid}.2`,
    Modality: 'CT',
    PatientID: 'SYN-DCMJS-1',
    Rows: options.rows,
    Columns: options.columns,
    SamplesPerPixel: 1,
    PhotometricInterpretation: options.photometric ?? 'MONOCHROME2',
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: options.signed ? 1 : 0,
    RescaleIntercept: String(intercept),
    RescaleSlope: '1',
    PixelData: stored.buffer,
  };
  return Buffer.from(loadDcmjs().data.datasetToBuffer(dataset));
}
