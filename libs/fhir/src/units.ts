import { LAB_UNIT_FACTORS, LAB_UNITS, VITAL_SIGNS, type LabName, type VitalSign } from '@lf/contracts';

/**
 * Quantity units accepted per target, and how each maps onto the unit the contract expects:
 * `contractValue = value * factor + offset`. Keys are UCUM case-sensitive codes, plus a few common
 * non-UCUM spellings seen in `Quantity.unit` (marked `alias`). Anything else is an error naming the path.
 */
export interface UnitRule {
  /** The contract's unit the value ends up in. */
  to: string;
  factor: number;
  offset?: number;
  /** A non-UCUM spelling we tolerate (from `Quantity.unit` text). */
  alias?: boolean;
  /** Only a value in [0, 1] makes sense in this unit (a fraction). */
  fraction?: boolean;
}

export type QuantityTarget = VitalSign | LabName | 'bmi';

const same = (to: string, alias = false): UnitRule => ({ to, factor: 1, ...(alias ? { alias } : {}) });

const perMinute = (annotated: readonly string[], aliases: readonly string[]): Record<string, UnitRule> => ({
  '/min': same('/min'),
  ...Object.fromEntries(annotated.map((u) => [u, same('/min')])),
  ...Object.fromEntries(aliases.map((u) => [u, same('/min', true)])),
});

/** mm[Hg] per kPa: 1 kPa = 1000 Pa / 133.322387415 Pa. */
export const MMHG_PER_KPA = 1000 / 133.322387415;

const pressure: Record<string, UnitRule> = {
  'mm[Hg]': same('mm[Hg]'),
  mmHg: same('mm[Hg]', true),
  kPa: { to: 'mm[Hg]', factor: MMHG_PER_KPA },
};

export const VITAL_UNIT_RULES: Readonly<Record<VitalSign, Readonly<Record<string, UnitRule>>>> = {
  heartRate: perMinute(['{beats}/min', '{beat}/min', '{Beats}/min'], ['beats/min', 'bpm']),
  respiratoryRate: perMinute(['{breaths}/min', '{breath}/min', '{Breaths}/min'], ['breaths/min']),
  spo2: {
    '%': same('%'),
    '1': { to: '%', factor: 100, fraction: true },
  },
  temperature: {
    Cel: same('Cel'),
    '[degF]': { to: 'Cel', factor: 5 / 9, offset: -32 * (5 / 9) },
    K: { to: 'Cel', factor: 1, offset: -273.15 },
    '°C': same('Cel', true),
    '°F': { to: 'Cel', factor: 5 / 9, offset: -32 * (5 / 9), alias: true },
  },
  systolicBp: pressure,
  diastolicBp: pressure,
};

/** UCUM writes a literal "10^9" as "10*9"; liters may be "L" or "l" (both are UCUM codes). */
const withLiterVariants = (rules: Record<string, UnitRule>): Record<string, UnitRule> => {
  const out: Record<string, UnitRule> = { ...rules };
  for (const [unit, rule] of Object.entries(rules)) {
    const lower = unit.replace(/L$/, 'l');
    if (lower !== unit && !(lower in out)) out[lower] = rule;
  }
  return out;
};

const count = (): Record<string, UnitRule> =>
  withLiterVariants({
    '10*9/L': same('10^9/L'),
    '10*3/uL': same('10^3/uL'),
    '/nL': same('10^9/L'),
    '10*3/mm3': same('10^3/uL'),
    '/uL': { to: '10^3/uL', factor: 0.001 },
    '10^9/L': same('10^9/L', true),
    '10^3/uL': same('10^3/uL', true),
    'K/uL': same('10^3/uL', true),
  });

export const LAB_UNIT_RULES: Readonly<Record<LabName, Readonly<Record<string, UnitRule>>>> = {
  crp: withLiterVariants({ 'mg/L': same('mg/L'), 'mg/dL': same('mg/dL'), 'ug/mL': same('mg/L') }),
  wbc: count(),
  lactate: withLiterVariants({ 'mmol/L': same('mmol/L'), 'mg/dL': same('mg/dL'), 'meq/L': same('mmol/L'), 'mEq/L': same('mmol/L', true) }),
  creatinine: withLiterVariants({
    'mg/dL': same('mg/dL'),
    'umol/L': same('umol/L'),
    'mmol/L': { to: 'umol/L', factor: 1000 },
    'mg/L': { to: 'mg/dL', factor: 0.1 },
    'µmol/L': same('umol/L', true),
  }),
  hemoglobin: withLiterVariants({ 'g/dL': same('g/dL'), 'g/L': same('g/L'), 'mg/dL': { to: 'g/dL', factor: 0.001 } }),
  platelets: count(),
  sodium: withLiterVariants({ 'mmol/L': same('mmol/L'), 'meq/L': same('mmol/L'), 'mEq/L': same('mmol/L', true) }),
};

export const BMI_UNIT_RULES: Readonly<Record<string, UnitRule>> = { 'kg/m2': same('kg/m2'), 'kg/m^2': same('kg/m2', true) };

export function unitRulesFor(target: QuantityTarget): Readonly<Record<string, UnitRule>> {
  if (target === 'bmi') return BMI_UNIT_RULES;
  if (target in VITAL_UNIT_RULES) return VITAL_UNIT_RULES[target as VitalSign];
  return LAB_UNIT_RULES[target as LabName];
}

/** The UCUM codes (no aliases) accepted for a target, for error messages and the README. */
export function ucumUnitsFor(target: QuantityTarget): string[] {
  return Object.entries(unitRulesFor(target))
    .filter(([, rule]) => !rule.alias)
    .map(([unit]) => unit);
}

/**
 * Applies a rule. Converted values are rounded to 12 significant digits so that a unit round trip
 * (38.6 Cel -> 101.48 [degF] -> 38.6 Cel) does not leave binary noise like 38.60000000000001.
 */
export function applyUnitRule(value: number, rule: UnitRule): number {
  if (rule.factor === 1 && !rule.offset) return value;
  return Number((value * rule.factor + (rule.offset ?? 0)).toPrecision(12));
}

/** The inverse of `applyUnitRule` (no rounding): a value in the contract unit expressed in `rule`'s unit. */
export function invertUnitRule(contractValue: number, rule: UnitRule): number {
  if (rule.factor === 1 && !rule.offset) return contractValue;
  return (contractValue - (rule.offset ?? 0)) / rule.factor;
}

/** The UCUM spelling of each contract unit, for writing Bundles. */
export const CONTRACT_UNIT_TO_UCUM: Readonly<Record<string, string>> = {
  '10^9/L': '10*9/L',
  '10^3/uL': '10*3/uL',
};

export const ucumOf = (contractUnit: string): string => CONTRACT_UNIT_TO_UCUM[contractUnit] ?? contractUnit;

/** A lab value converted between two of the contract's units of that lab (LAB_UNIT_FACTORS). */
export function convertLabBetweenContractUnits(lab: LabName, value: number, from: string, to: string): number {
  if (from === to) return value;
  const factors = LAB_UNIT_FACTORS[lab] as Record<string, number>;
  const fromFactor = factors[from];
  const toFactor = factors[to];
  if (fromFactor === undefined || toFactor === undefined) throw new RangeError(`${lab}: no factor between ${from} and ${to}`);
  return (value / fromFactor) * toFactor;
}

/** Every rule's `to` is one of the contract's units (pinned by a unit test). */
export function contractUnitsFor(target: QuantityTarget): readonly string[] {
  if (target === 'bmi') return ['kg/m2'];
  if (target in VITAL_SIGNS) return [VITAL_SIGNS[target as VitalSign]];
  return LAB_UNITS[target as LabName];
}
