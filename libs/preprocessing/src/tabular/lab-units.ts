import { LAB_UNIT_FACTORS, type LabName } from '@lf/contracts';

/** Converts a lab value to its canonical unit; undefined if the unit is not one we know for that lab. */
export function toCanonicalUnit(lab: LabName, value: number, unit: string): number | undefined {
  const factors = LAB_UNIT_FACTORS[lab] as Record<string, number>;
  const factor = Object.prototype.hasOwnProperty.call(factors, unit) ? factors[unit] : undefined;
  return factor === undefined ? undefined : value / factor;
}
