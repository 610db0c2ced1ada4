import { LAB_UNITS, type LabName } from '@lf/contracts';

/**
 * Multiplier from each accepted unit (contracts LAB_UNITS) to the canonical unit (first entry).
 * Molar masses: lactate 90.08 g/mol (mg/dL / 9.008 = mmol/L), creatinine 113.12 g/mol (umol/L / 88.42 = mg/dL).
 */
export const LAB_UNIT_FACTORS: Readonly<{ [L in LabName]: Record<(typeof LAB_UNITS)[L][number], number> }> = {
  crp: { 'mg/L': 1, 'mg/dL': 10 },
  wbc: { '10^9/L': 1, '10^3/uL': 1 },
  lactate: { 'mmol/L': 1, 'mg/dL': 1 / 9.008 },
  creatinine: { 'mg/dL': 1, 'umol/L': 1 / 88.42 },
  hemoglobin: { 'g/dL': 1, 'g/L': 1 / 10 },
  platelets: { '10^9/L': 1, '10^3/uL': 1 },
  sodium: { 'mmol/L': 1 },
};

/** Converts a lab value to its canonical unit; undefined if the unit is not one we know for that lab. */
export function toCanonicalUnit(lab: LabName, value: number, unit: string): number | undefined {
  const factors = LAB_UNIT_FACTORS[lab] as Record<string, number>;
  const factor = Object.prototype.hasOwnProperty.call(factors, unit) ? factors[unit] : undefined;
  return factor === undefined ? undefined : value * factor;
}
