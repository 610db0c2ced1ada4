/** How the imaging input is encoded; 'mixed' picks per patient (DICOM 50 %, PNG 30 %, raw 20 %). */
export const IMAGING_FORMAT_OPTIONS = ['dicom', 'png', 'raw', 'mixed'] as const;
export type ImagingFormatOption = (typeof IMAGING_FORMAT_OPTIONS)[number];

/** Options that shape one patient's request (none of them changes the patient's latent state or label). */
export interface PatientOptions {
  /** Remove each present modality with this probability, never all of them. Default 0. */
  dropRate?: number;
  /** Image width = height in pixels. Default 256. */
  imageSize?: number;
  /** Default 'dicom'. */
  imagingFormat?: ImagingFormatOption;
  /** false: every patient gets all three modalities (before dropRate). Default true. */
  naturalMissingness?: boolean;
}

export interface CohortOptions extends PatientOptions {
  seed: number;
  n: number;
}

export type ResolvedPatientOptions = Required<PatientOptions>;

/** Fills defaults and rejects invalid values with a message that names the option. */
export function resolvePatientOptions(options: PatientOptions = {}): ResolvedPatientOptions {
  const resolved: ResolvedPatientOptions = {
    dropRate: options.dropRate ?? 0,
    imageSize: options.imageSize ?? 256,
    imagingFormat: options.imagingFormat ?? 'dicom',
    naturalMissingness: options.naturalMissingness ?? true,
  };
  if (!(Number.isFinite(resolved.dropRate) && resolved.dropRate >= 0 && resolved.dropRate <= 1)) {
    throw new RangeError(`dropRate must be a number in [0, 1], got ${String(options.dropRate)}`);
  }
  if (!Number.isInteger(resolved.imageSize) || resolved.imageSize < 8 || resolved.imageSize > 4096) {
    throw new RangeError(`imageSize must be an integer in 8..4096, got ${String(options.imageSize)}`);
  }
  if (!IMAGING_FORMAT_OPTIONS.includes(resolved.imagingFormat)) {
    throw new RangeError(`imagingFormat must be one of ${IMAGING_FORMAT_OPTIONS.join(', ')}, got ${String(options.imagingFormat)}`);
  }
  if (typeof resolved.naturalMissingness !== 'boolean') {
    throw new RangeError(`naturalMissingness must be a boolean, got ${String(options.naturalMissingness)}`);
  }
  return resolved;
}

/** Seeds and indices must be safe integers: they are split into 32-bit words for the stream hash. */
export function assertSafeInteger(name: string, value: number, min = Number.MIN_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be a safe integer${min === 0 ? ' >= 0' : ''}, got ${String(value)}`);
  }
}
