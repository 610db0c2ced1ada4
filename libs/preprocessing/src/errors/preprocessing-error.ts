/**
 * Machine-readable reasons an input cannot become a tensor. Workers map any of these to a score record
 * with status 'invalid' (the input is wrong; retrying will not help), so the code must be stable.
 */
export type PreprocessingErrorCode =
  /** Bytes or text that cannot be decoded at all (base64, DICOM/PNG structure, timestamps). */
  | 'bad_encoding'
  /** Decodable, but a variant this pipeline does not handle (colour DICOM, multi-frame, too large...). */
  | 'unsupported_format'
  /** DICOM transfer syntax other than uncompressed little endian. */
  | 'unsupported_transfer_syntax'
  /** A DICOM attribute needed to interpret the pixels is absent. */
  | 'missing_attribute'
  /** Fewer pixel bytes than the stated dimensions need. */
  | 'truncated_pixel_data'
  /** More pixel bytes than the stated dimensions (raw arrays): the dimensions are probably wrong. */
  | 'size_mismatch'
  /** NaN, Infinity or a non-number where a number is required. */
  | 'not_a_number'
  /** A number that cannot be true of a living patient or a valid image. */
  | 'impossible_value'
  /** A lab value in a unit we have no conversion for. */
  | 'unsupported_unit'
  /** A value of the wrong type or outside an enumeration (e.g. sex, comorbidity flags). */
  | 'invalid_value'
  /** A vitals series in which no sample carries any value. */
  | 'empty_series'
  /** Caller error: a spec or fitted stats object that is malformed or does not match this code. */
  | 'invalid_spec';

/**
 * Thrown by every preprocessing function for bad input. `field` is a JSON path into the case request
 * (e.g. `inputs.vitals.samples[3].heartRate`) so the gateway and workers can tell the sender exactly
 * what to fix; `reason` is one human sentence. Reasons mention a patient value only when the value is
 * the explanation (e.g. "heart rate 900/min is outside 0..350"), never identifiers or whole inputs.
 */
export class PreprocessingError extends Error {
  override readonly name = 'PreprocessingError';

  constructor(
    readonly code: PreprocessingErrorCode,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }

  /** Plain shape for score records / HTTP problem details (Error's own fields do not serialize). */
  toJSON(): { code: PreprocessingErrorCode; field: string; reason: string } {
    return { code: this.code, field: this.field, reason: this.reason };
  }
}

/**
 * `instanceof` fails when two copies of this module are loaded (bundled worker + test harness), so
 * callers that only need to classify an error should use this structural check.
 */
export function isPreprocessingError(error: unknown): error is PreprocessingError {
  if (error instanceof PreprocessingError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as Record<string, unknown>;
  return e['name'] === 'PreprocessingError' && typeof e['code'] === 'string' && typeof e['field'] === 'string';
}
