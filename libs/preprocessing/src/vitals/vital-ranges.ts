import type { VitalSign } from '@lf/contracts';

export interface VitalRange {
  /** Human label for error reasons. */
  label: string;
  /** Unit as shown to people (the contract uses UCUM codes). */
  unit: string;
  /** Inclusive physiologically possible range; outside -> impossible_value. */
  min: number;
  max: number;
  /** Typical adult value, used only if a channel was never observed in the training data. */
  reference: number;
}

// Deliberately wide: these reject unit mix-ups and typos (HR 900, temperature in Fahrenheit), not illness.
export const VITAL_RANGES: Readonly<Record<VitalSign, VitalRange>> = {
  heartRate: { label: 'heart rate', unit: '/min', min: 0, max: 350, reference: 80 },
  systolicBp: { label: 'systolic BP', unit: ' mmHg', min: 0, max: 350, reference: 120 },
  diastolicBp: { label: 'diastolic BP', unit: ' mmHg', min: 0, max: 250, reference: 75 },
  respiratoryRate: { label: 'respiratory rate', unit: '/min', min: 0, max: 100, reference: 16 },
  spo2: { label: 'SpO2', unit: '%', min: 0, max: 100, reference: 97 },
  temperature: { label: 'temperature', unit: ' Cel', min: 25, max: 45, reference: 37 },
};
