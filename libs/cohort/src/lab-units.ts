import { LAB_UNITS, type LabName } from '@lf/contracts';

/**
 * How each lab is reported in each unit of `LAB_UNITS`: a factor from the canonical (first) unit and
 * the decimals a lab report would print. Exported so other libs' tests can check their own conversions.
 */
export const LAB_REPORTING: { [L in LabName]: { unit: (typeof LAB_UNITS)[L][number]; factor: number; decimals: number }[] } = {
  crp: [
    { unit: 'mg/L', factor: 1, decimals: 1 },
    { unit: 'mg/dL', factor: 0.1, decimals: 2 },
  ],
  wbc: [
    { unit: '10^9/L', factor: 1, decimals: 1 },
    { unit: '10^3/uL', factor: 1, decimals: 1 },
  ],
  lactate: [
    { unit: 'mmol/L', factor: 1, decimals: 1 },
    // 90.08 g/mol: 1 mmol/L = 9.008 mg/dL
    { unit: 'mg/dL', factor: 9.008, decimals: 1 },
  ],
  creatinine: [
    { unit: 'mg/dL', factor: 1, decimals: 2 },
    // 113.12 g/mol: 1 mg/dL = 88.42 umol/L
    { unit: 'umol/L', factor: 88.42, decimals: 0 },
  ],
  hemoglobin: [
    { unit: 'g/dL', factor: 1, decimals: 1 },
    { unit: 'g/L', factor: 10, decimals: 0 },
  ],
  platelets: [
    { unit: '10^9/L', factor: 1, decimals: 0 },
    { unit: '10^3/uL', factor: 1, decimals: 0 },
  ],
  sodium: [{ unit: 'mmol/L', factor: 1, decimals: 0 }],
};
