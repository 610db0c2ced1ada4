import { COMORBIDITIES, LAB_UNITS, type Comorbidity, type TabularInput } from '@lf/contracts';
import { PreprocessingError } from '../errors/preprocessing-error';
import { toCanonicalUnit } from './lab-units';
import { NUMERIC_FEATURE_SPECS, TABULAR_LAB_FEATURES, type TabularNumericFeature } from './tabular-features';

const ROOT = 'inputs.tabular';
const SEXES = ['female', 'male', 'other', 'unknown'] as const;

/** One validated tabular input, in canonical units and transformed space, before imputation. */
export interface TabularObservation {
  /** Canonical unit, then log1p where the feature spec says so; undefined = missing. */
  numeric: Record<TabularNumericFeature, number | undefined>;
  /** undefined when missing or 'unknown'. */
  sex: 'female' | 'male' | 'other' | undefined;
  comorbidities: Record<Comorbidity, 0 | 1>;
  /** True when no comorbidity was reported at all. */
  comorbiditiesMissing: boolean;
}

/** Short, stable number formatting for error reasons (4 significant digits, no exponent noise). */
function fmt(v: number): string {
  return String(Number(v.toPrecision(4)));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readNumber(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new PreprocessingError('not_a_number', field, 'must be a finite number');
  }
  return value;
}

function checkRange(name: TabularNumericFeature, canonical: number, field: string, original?: { value: number; unit: string }): void {
  const spec = NUMERIC_FEATURE_SPECS[name];
  if (canonical >= spec.min && canonical <= spec.max) return;
  const shown =
    original && original.unit !== spec.unit
      ? `${fmt(original.value)} ${original.unit} (${fmt(canonical)} ${spec.unit})`
      : `${fmt(canonical)} ${spec.unit}`;
  throw new PreprocessingError('impossible_value', field, `${name} ${shown} is outside ${spec.min}..${spec.max} ${spec.unit}`);
}

function transform(name: TabularNumericFeature, canonical: number): number {
  return NUMERIC_FEATURE_SPECS[name].transform === 'log1p' ? Math.log1p(canonical) : canonical;
}

/**
 * Validates one tabular input without trusting that it went through the zod schema (training reads
 * files, tests build objects) and converts it to canonical units. Throws PreprocessingError naming
 * the exact field.
 */
export function readTabularInput(input: TabularInput): TabularObservation {
  if (!isObject(input)) throw new PreprocessingError('invalid_value', ROOT, 'must be an object');
  const numeric = {} as Record<TabularNumericFeature, number | undefined>;

  for (const name of ['ageYears', 'bmi'] as const) {
    const v = readNumber(input[name], `${ROOT}.${name}`);
    if (v !== undefined) checkRange(name, v, `${ROOT}.${name}`);
    numeric[name] = v === undefined ? undefined : transform(name, v);
  }

  let sex: TabularObservation['sex'];
  if (input.sex !== undefined && input.sex !== null) {
    if (!(SEXES as readonly unknown[]).includes(input.sex)) {
      throw new PreprocessingError('invalid_value', `${ROOT}.sex`, `must be one of ${SEXES.join('|')}`);
    }
    sex = input.sex === 'unknown' ? undefined : input.sex;
  }

  const comorbidities = {} as Record<Comorbidity, 0 | 1>;
  let reported = 0;
  const block = input.comorbidities;
  if (block !== undefined && block !== null && !isObject(block)) {
    throw new PreprocessingError('invalid_value', `${ROOT}.comorbidities`, 'must be an object of booleans');
  }
  for (const c of COMORBIDITIES) {
    const v = block?.[c];
    if (v !== undefined && v !== null && typeof v !== 'boolean') {
      throw new PreprocessingError('invalid_value', `${ROOT}.comorbidities.${c}`, 'must be true, false or absent');
    }
    if (typeof v === 'boolean') reported++;
    // An unreported comorbidity in a reported block counts as absent (problem lists list what is present).
    comorbidities[c] = v === true ? 1 : 0;
  }

  const labs = input.labs;
  if (labs !== undefined && labs !== null && !isObject(labs)) {
    throw new PreprocessingError('invalid_value', `${ROOT}.labs`, 'must be an object');
  }
  for (const lab of TABULAR_LAB_FEATURES) {
    const entry: unknown = labs?.[lab];
    const field = `${ROOT}.labs.${lab}`;
    if (entry === undefined || entry === null) {
      numeric[lab] = undefined;
      continue;
    }
    if (!isObject(entry)) throw new PreprocessingError('invalid_value', field, 'must be { value, unit }');
    const value = readNumber(entry['value'], `${field}.value`);
    if (value === undefined) throw new PreprocessingError('not_a_number', `${field}.value`, 'is required when the lab is present');
    const unit = entry['unit'];
    const canonical = typeof unit === 'string' ? toCanonicalUnit(lab, value, unit) : undefined;
    if (canonical === undefined) {
      throw new PreprocessingError('unsupported_unit', `${field}.unit`, `must be one of ${LAB_UNITS[lab].join(', ')}`);
    }
    checkRange(lab, canonical, `${field}.value`, { value, unit: unit as string });
    numeric[lab] = transform(lab, canonical);
  }

  return { numeric, sex, comorbidities, comorbiditiesMissing: reported === 0 };
}
