import { LAB_NAMES, tabularInputSchema, type LabName } from '@lf/contracts';
import { LAB_REPORTING } from './lab-units';
import { patientRng } from './patient-rng';
import { samplePatientState } from './sample-patient-state';
import { buildTabularInput } from './tabular-input';

/** Plausible hospital ranges in the canonical unit (ward patients, not only healthy adults). */
const RANGES: Record<LabName, [number, number]> = {
  crp: [0.2, 500],
  wbc: [0.3, 80],
  lactate: [0.3, 20],
  creatinine: [0.3, 15],
  hemoglobin: [5, 19],
  platelets: [5, 900],
  sodium: [115, 165],
};

describe('buildTabularInput', () => {
  const inputs = Array.from({ length: 2000 }, (_, i) => {
    const state = samplePatientState(patientRng(17, i, 'latent'));
    return { state, input: buildTabularInput(patientRng(17, i, 'tabular'), state) };
  });

  it('validates, with labs in realistic ranges once converted back to the canonical unit', () => {
    const medians: Record<string, number[]> = {};
    const violations: string[] = [];
    for (const { input } of inputs) {
      if (!tabularInputSchema.safeParse(input).success) violations.push(JSON.stringify(input));
      for (const name of LAB_NAMES) {
        const lab = input.labs?.[name];
        if (!lab) continue;
        const report = LAB_REPORTING[name].find((r) => r.unit === lab.unit)!;
        const canonical = lab.value / report.factor;
        // rounding to the report's decimals may nudge a clamped value past the bound by half a unit
        const slack = 0.5 / 10 ** report.decimals / report.factor;
        if (canonical < RANGES[name][0] - slack || canonical > RANGES[name][1] + slack) violations.push(`${name}=${lab.value} ${lab.unit}`);
        (medians[name] ??= []).push(canonical);
      }
    }
    expect(violations).toEqual([]);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    expect(median(medians.crp)).toBeGreaterThan(3);
    expect(median(medians.crp)).toBeLessThan(30);
    expect(median(medians.sodium)).toBeCloseTo(139, -1);
    expect(median(medians.hemoglobin)).toBeGreaterThan(11);
    expect(median(medians.hemoglobin)).toBeLessThan(15);
    expect(median(medians.creatinine)).toBeGreaterThan(0.6);
    expect(median(medians.creatinine)).toBeLessThan(1.3);
  });

  it('copies demographics and comorbidities from the patient when present', () => {
    for (const { state, input } of inputs) {
      if (input.ageYears !== undefined) expect(input.ageYears).toBe(state.ageYears);
      for (const [name, value] of Object.entries(input.comorbidities ?? {})) {
        expect(value).toBe(state.comorbidities[name as keyof typeof state.comorbidities]);
      }
    }
  });

  it('shows inflammation in CRP (higher CRP for higher inflammation factor)', () => {
    const crp = (high: boolean) => {
      const values = inputs
        .filter(({ state }) => (high ? state.latent.inflammation > 1 : state.latent.inflammation < -1))
        .flatMap(({ input }) => (input.labs?.crp ? [input.labs.crp.unit === 'mg/L' ? input.labs.crp.value : input.labs.crp.value * 10] : []));
      return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    };
    expect(crp(true)).toBeGreaterThan(4 * crp(false));
  });
});
