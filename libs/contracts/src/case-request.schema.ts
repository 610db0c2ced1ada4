import { z } from 'zod';
import { imagePayloadProblem } from './image-payload-check';
import { isStrictBase64 } from './strict-base64';

/**
 * The JSON body a hospital system POSTs to /v1/cases, and what the cohort generator writes.
 * Units are fixed per field (documented in `describe`) so that the models see one unit each;
 * lab values carry their unit explicitly because EHRs disagree (mg/L vs mg/dL, umol/L vs mg/dL).
 */


export const IMAGING_FORMATS = ['dicom', 'png', 'raw'] as const;
export const RAW_DTYPES = ['int16', 'uint16', 'float32', 'uint8'] as const;

const imagingInputSchemaWith = <Data extends z.ZodTypeAny>(data: Data) =>
  z.discriminatedUnion('format', [
  z.object({
    format: z.literal('dicom'),
    /** A DICOM Part 10 file (preamble + DICM + meta header), uncompressed little endian. */
    data,
  }),
  z.object({
    format: z.literal('png'),
    /**
     * An 8- or 16-bit grayscale PNG of the slice *already windowed* for display with the lung window
     * stated below: pixel / maxValue is the windowed intensity in [0, 1].
     */
    data,
    windowCenter: z.number().finite().default(-600),
    windowWidth: z.number().finite().positive().default(1500),
  }),
  z.object({
    format: z.literal('raw'),
    /** Row-major little-endian pixels; value * rescaleSlope + rescaleIntercept is in Hounsfield units. */
    data,
    dtype: z.enum(RAW_DTYPES),
    width: z.number().int().min(8).max(4096),
    height: z.number().int().min(8).max(4096),
    rescaleSlope: z.number().finite().default(1),
    rescaleIntercept: z.number().finite().default(0),
  }),
]);

// isStrictBase64 remembers the last text it decoded, so the payload check below (magic numbers, raw size:
// image-payload-check.ts) and the gateway's blob encoder do not decode the 175 kB string again.
const base64 = z
  .string()
  .min(1, 'must not be empty')
  .refine(isStrictBase64, 'must be base64 (RFC 4648 standard alphabet, no line breaks, not truncated)');

export const imagingInputSchema = imagingInputSchemaWith(base64).superRefine((input, ctx) => {
  if (!isStrictBase64(input.data)) return;
  const problem = imagePayloadProblem(input);
  if (problem) ctx.addIssue({ code: 'custom', path: ['data'], message: problem });
});
/**
 * The same shape for an input the gateway already validated (a worker reading its claim-checked blob):
 * `data` arrives as the raw bytes the gateway decoded (see input-blob.ts), or as base64 text from a blob
 * written before that, which the imaging decoder checks strictly anyway.
 */
export const storedImagingInputSchema = imagingInputSchemaWith(
  z.union([z.string().min(1, 'must not be empty'), z.custom<Uint8Array>((b) => b instanceof Uint8Array && b.length > 0, 'must be non-empty bytes')]),
);
export type StoredImagingInput = z.input<typeof storedImagingInputSchema>;
export type ImagingInput = z.input<typeof imagingInputSchema>;

export const LAB_UNITS = {
  crp: ['mg/L', 'mg/dL'],
  wbc: ['10^9/L', '10^3/uL'],
  lactate: ['mmol/L', 'mg/dL'],
  creatinine: ['mg/dL', 'umol/L'],
  hemoglobin: ['g/dL', 'g/L'],
  platelets: ['10^9/L', '10^3/uL'],
  sodium: ['mmol/L'],
} as const;
export type LabName = keyof typeof LAB_UNITS;
export const LAB_NAMES = Object.keys(LAB_UNITS) as LabName[];

/**
 * Value in each accepted unit = value in the canonical (first) unit x factor: the one conversion table for
 * whoever writes labs (the cohort generator) and whoever reads them (preprocessing).
 * Molar masses: lactate 90.08 g/mol (1 mmol/L = 9.008 mg/dL), creatinine 113.12 g/mol (1 mg/dL = 88.42 umol/L).
 */
export const LAB_UNIT_FACTORS: Readonly<{ [L in LabName]: Record<(typeof LAB_UNITS)[L][number], number> }> = {
  crp: { 'mg/L': 1, 'mg/dL': 0.1 },
  wbc: { '10^9/L': 1, '10^3/uL': 1 },
  lactate: { 'mmol/L': 1, 'mg/dL': 9.008 },
  creatinine: { 'mg/dL': 1, 'umol/L': 88.42 },
  hemoglobin: { 'g/dL': 1, 'g/L': 10 },
  platelets: { '10^9/L': 1, '10^3/uL': 1 },
  sodium: { 'mmol/L': 1 },
};

const labValue = <U extends readonly [string, ...string[]]>(units: U) =>
  z.object({ value: z.number().finite(), unit: z.enum(units) });

export const COMORBIDITIES = ['copd', 'diabetes', 'heartFailure', 'ckd', 'immunosuppressed', 'hypertension'] as const;
export type Comorbidity = (typeof COMORBIDITIES)[number];

export const tabularInputSchema = z.object({
  /** Years; any field may be missing (the model imputes and sees a missingness indicator). */
  ageYears: z.number().finite().min(0).max(120).optional(),
  sex: z.enum(['female', 'male', 'other', 'unknown']).optional(),
  /** kg/m^2 */
  bmi: z.number().finite().min(8).max(90).optional(),
  comorbidities: z.object(Object.fromEntries(COMORBIDITIES.map((c) => [c, z.boolean().optional()])) as {
    [K in Comorbidity]: z.ZodOptional<z.ZodBoolean>;
  }).optional(),
  labs: z
    .object({
      crp: labValue(LAB_UNITS.crp).optional(),
      wbc: labValue(LAB_UNITS.wbc).optional(),
      lactate: labValue(LAB_UNITS.lactate).optional(),
      creatinine: labValue(LAB_UNITS.creatinine).optional(),
      hemoglobin: labValue(LAB_UNITS.hemoglobin).optional(),
      platelets: labValue(LAB_UNITS.platelets).optional(),
      sodium: labValue(LAB_UNITS.sodium).optional(),
    })
    .optional(),
});
export type TabularInput = z.input<typeof tabularInputSchema>;

/** Vital-sign channels and their fixed units. */
export const VITAL_SIGNS = {
  heartRate: '/min',
  systolicBp: 'mm[Hg]',
  diastolicBp: 'mm[Hg]',
  respiratoryRate: '/min',
  spo2: '%',
  temperature: 'Cel',
} as const;
export type VitalSign = keyof typeof VITAL_SIGNS;
export const VITAL_SIGN_NAMES = Object.keys(VITAL_SIGNS) as VitalSign[];

export const vitalSampleSchema = z.object({
  /** ISO 8601 date-time with offset; samples need not be sorted or evenly spaced. */
  t: z.iso.datetime({ offset: true }),
  heartRate: z.number().finite().optional(),
  systolicBp: z.number().finite().optional(),
  diastolicBp: z.number().finite().optional(),
  respiratoryRate: z.number().finite().optional(),
  spo2: z.number().finite().optional(),
  temperature: z.number().finite().optional(),
});
export type VitalSample = z.infer<typeof vitalSampleSchema>;

export const vitalsInputSchema = z.object({
  samples: z.array(vitalSampleSchema).min(1, 'needs at least one sample').max(20_000),
});
export type VitalsInput = z.input<typeof vitalsInputSchema>;

export const FUSION_STRATEGIES = ['weighted-mean', 'log-odds', 'stacking', 'attention'] as const;
export type FusionStrategyName = (typeof FUSION_STRATEGIES)[number];

export const caseRequestSchema = z.object({
  /** The hospital's opaque reference for the patient/encounter; never logged. */
  patientRef: z.string().min(1).max(128),
  /**
   * One input per modality. The built-in modalities are validated here; any other key is kept as is (loose)
   * for a modality added through the registry (DESIGN.md 2: a fourth modality needs no contract change). The
   * gateway decides against the registry which inputs are consumed, and that modality's worker validates its own.
   */
  inputs: z
    .object({
      imaging: imagingInputSchema.optional(),
      tabular: tabularInputSchema.optional(),
      vitals: vitalsInputSchema.optional(),
    })
    .loose()
    .refine((inputs) => Object.values(inputs).some((v) => v !== undefined && v !== null), {
      message: 'at least one modality input is required',
    }),
  /** Time budget from submission to finalization, in milliseconds. */
  deadlineMs: z.number().int().min(50).max(600_000).optional(),
  strategy: z.enum(FUSION_STRATEGIES).optional(),
});
export type CaseRequest = z.input<typeof caseRequestSchema>;
export type ParsedCaseRequest = z.output<typeof caseRequestSchema>;

/** One line of the cohort generator's `cases.jsonl`. */
export interface LabelledCase {
  label: 0 | 1;
  request: CaseRequest;
}
