import { COMORBIDITIES, type LabName } from '@lf/contracts';

/** Numeric features: standardized, median-imputed, each with its own missingness indicator. */
export const TABULAR_NUMERIC_FEATURES = [
  'ageYears',
  'bmi',
  'crp',
  'wbc',
  'lactate',
  'creatinine',
  'hemoglobin',
  'platelets',
  'sodium',
] as const;
export type TabularNumericFeature = (typeof TABULAR_NUMERIC_FEATURES)[number];

export interface NumericFeatureSpec {
  /** Canonical unit the value is converted to before anything else. */
  unit: string;
  /** log1p for right-skewed labs (a few very high values), so standardization is not dominated by them. */
  transform: 'identity' | 'log1p';
  /** Inclusive plausible range in the canonical unit; outside -> impossible_value. */
  min: number;
  max: number;
  /** Typical adult value, used only if a feature was never observed in the training data. */
  reference: number;
}

// Ranges are "cannot be a real measurement", not "abnormal": the model must still see very sick patients.
export const NUMERIC_FEATURE_SPECS: Readonly<Record<TabularNumericFeature, NumericFeatureSpec>> = {
  ageYears: { unit: 'years', transform: 'identity', min: 0, max: 120, reference: 60 },
  bmi: { unit: 'kg/m2', transform: 'identity', min: 8, max: 90, reference: 26 },
  crp: { unit: 'mg/L', transform: 'log1p', min: 0, max: 1000, reference: 5 },
  wbc: { unit: '10^9/L', transform: 'log1p', min: 0, max: 1000, reference: 7 },
  lactate: { unit: 'mmol/L', transform: 'log1p', min: 0, max: 40, reference: 1.2 },
  creatinine: { unit: 'mg/dL', transform: 'log1p', min: 0, max: 40, reference: 1 },
  hemoglobin: { unit: 'g/dL', transform: 'identity', min: 0, max: 30, reference: 13.5 },
  platelets: { unit: '10^9/L', transform: 'identity', min: 0, max: 5000, reference: 250 },
  sodium: { unit: 'mmol/L', transform: 'identity', min: 90, max: 200, reference: 140 },
};

/** Lab features in contract order; each is also a numeric feature above. */
export const TABULAR_LAB_FEATURES = [
  'crp',
  'wbc',
  'lactate',
  'creatinine',
  'hemoglobin',
  'platelets',
  'sodium',
] as const satisfies readonly LabName[];

/**
 * The tabular model's input vector, in order (length 28). Names are what the manifest records.
 *
 *   index  name                       value
 *   0      ageYears                   z-score (median-imputed if missing)
 *   1      sex.female                 1 if female
 *   2      sex.male                   1 if male        (other/unknown/missing: both 0)
 *   3      bmi                        z-score
 *   4-9    comorbidity.<name>         1 if present; absent or not reported: 0 (see missing.comorbidities)
 *   10-16  crp, wbc, lactate, creatinine, hemoglobin, platelets, sodium
 *                                      z-score (crp, wbc, lactate, creatinine after log1p)
 *   17     missing.ageYears           1 if not given
 *   18     missing.sex                1 if not given or 'unknown'
 *   19     missing.bmi
 *   20     missing.comorbidities      1 if no comorbidity was reported at all (the block is missing)
 *   21-27  missing.<lab>              one per lab, same order as 10-16
 *
 * Missing indicators follow the value block in the same order, so "missing" is information the model
 * can use (sicker patients get more labs) instead of being hidden by imputation.
 */
export const TABULAR_VALUE_FEATURES = [
  'ageYears',
  'sex.female',
  'sex.male',
  'bmi',
  ...COMORBIDITIES.map((c) => `comorbidity.${c}`),
  ...TABULAR_LAB_FEATURES,
] as const;

export const TABULAR_MISSING_FEATURES = [
  'missing.ageYears',
  'missing.sex',
  'missing.bmi',
  'missing.comorbidities',
  ...TABULAR_LAB_FEATURES.map((l) => `missing.${l}`),
] as const;

export const TABULAR_FEATURES: readonly string[] = Object.freeze([...TABULAR_VALUE_FEATURES, ...TABULAR_MISSING_FEATURES]);
