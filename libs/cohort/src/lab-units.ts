import { LAB_UNIT_FACTORS, LAB_UNITS, type LabName } from '@lf/contracts';

/** Decimals a lab report prints, per unit (the conversion factors themselves live in contracts). */
const DECIMALS: { [L in LabName]: Record<(typeof LAB_UNITS)[L][number], number> } = {
  crp: { 'mg/L': 1, 'mg/dL': 2 },
  wbc: { '10^9/L': 1, '10^3/uL': 1 },
  lactate: { 'mmol/L': 1, 'mg/dL': 1 },
  creatinine: { 'mg/dL': 2, 'umol/L': 0 },
  hemoglobin: { 'g/dL': 1, 'g/L': 0 },
  platelets: { '10^9/L': 0, '10^3/uL': 0 },
  sodium: { 'mmol/L': 0 },
};

/**
 * How each lab is reported in each unit of `LAB_UNITS`: the factor from the canonical (first) unit
 * (contracts' LAB_UNIT_FACTORS) and the decimals a lab report would print, in LAB_UNITS order.
 * Exported so other libs' tests can check their own conversions.
 */
export const LAB_REPORTING = Object.fromEntries(
  (Object.keys(LAB_UNITS) as LabName[]).map((lab) => [
    lab,
    (LAB_UNITS[lab] as readonly string[]).map((unit) => ({
      unit,
      factor: (LAB_UNIT_FACTORS[lab] as Record<string, number>)[unit],
      decimals: (DECIMALS[lab] as Record<string, number>)[unit],
    })),
  ]),
) as { [L in LabName]: { unit: (typeof LAB_UNITS)[L][number]; factor: number; decimals: number }[] };
