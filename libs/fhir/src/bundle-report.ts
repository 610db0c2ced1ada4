import type { CaseRequest } from '@lf/contracts';

/**
 * Result types of `bundleToCaseRequest`. Every `path` is a JSON path into the submitted Bundle in the
 * form `entry[3].resource.valueQuantity.unit` ('' is the Bundle itself), so a gateway can put it in a
 * problem-details body unchanged. Messages never contain input values (they may be logged); they name
 * codes, units and resource types, which are not patient data.
 */
export interface FhirIssue {
  path: string;
  message: string;
}

/** A code we do not map (the resource or component was not used). */
export interface UnknownCode {
  path: string;
  system?: string;
  code?: string;
  display?: string;
}

/** A value whose number changed because its unit differs from the contract's (e.g. [degF] -> Cel). */
export interface UnitConversion {
  path: string;
  from: string;
  to: string;
}

/** Something in the Bundle that was deliberately not used, and why. */
export interface IgnoredInput {
  path: string;
  reason: string;
}

export interface BundleReport {
  unknownCodes: UnknownCode[];
  conversions: UnitConversion[];
  ignored: IgnoredInput[];
}

export type BundleToCaseResult =
  | {
      ok: true;
      request: CaseRequest;
      /** References (`Observation/abc`, or the entry's fullUrl when the resource has no id) of the inputs used. */
      basis: string[];
      report: BundleReport;
    }
  | { ok: false; errors: FhirIssue[] };

export interface BundleToCaseOptions {
  /**
   * The reference time for the age (from Patient.birthDate): a FHIR date or date-time, or a Date (its UTC
   * date). Default: the latest effective time of the Observations used, else Bundle.timestamp.
   */
  asOf?: string | Date;
  /** At most this many errors are returned (default 50); the last one then says how many were left out. */
  maxErrors?: number;
}
