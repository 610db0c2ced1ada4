import { VITAL_SIGN_NAMES, vitalsInputSchema } from '@lf/contracts';
import { patientRng } from './patient-rng';
import { samplePatientState, type PatientState } from './sample-patient-state';
import { buildVitalsInput } from './vitals-input';

const patients: { state: PatientState; samples: ReturnType<typeof buildVitalsInput>['samples'] }[] = [];
beforeAll(() => {
  for (let i = 0; i < 1500; i++) {
    const state = samplePatientState(patientRng(31, i, 'latent'));
    patients.push({ state, samples: buildVitalsInput(patientRng(31, i, 'vitals'), state).samples });
  }
});
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('buildVitalsInput', () => {
  it('validates and uses ISO 8601 timestamps with an offset, sorted, over at most 48 h', () => {
    for (const { samples } of patients.slice(0, 200)) {
      expect(vitalsInputSchema.safeParse({ samples }).success).toBe(true);
      expect(samples.filter((s) => !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/.test(s.t))).toEqual([]);
      const t = samples.map((s) => Date.parse(s.t));
      expect([...t].sort((a, b) => a - b)).toEqual(t);
      expect((t[t.length - 1] - t[0]) / 3_600_000).toBeLessThanOrEqual(48);
    }
  });

  it('samples irregularly (15-240 min, occasional longer gaps) and not every channel each time', () => {
    const gaps: number[] = [];
    let charted = 0;
    let possible = 0;
    for (const { samples } of patients) {
      const t = samples.map((s) => Date.parse(s.t));
      for (let k = 1; k < t.length; k++) gaps.push((t[k] - t[k - 1]) / 60_000);
      for (const s of samples) {
        possible += VITAL_SIGN_NAMES.length;
        charted += VITAL_SIGN_NAMES.filter((name) => s[name] !== undefined).length;
      }
    }
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(15);
    const long = gaps.filter((g) => g > 240).length / gaps.length;
    expect(long).toBeGreaterThan(0.01);
    expect(long).toBeLessThan(0.08);
    expect(new Set(gaps.map((g) => Math.round(g))).size).toBeGreaterThan(100);
    expect(charted / possible).toBeGreaterThan(0.6);
    expect(charted / possible).toBeLessThan(0.95);
  });

  it('keeps values in physiological ranges', () => {
    const ranges = { heartRate: [30, 200], systolicBp: [60, 230], diastolicBp: [30, 140], respiratoryRate: [6, 50], spo2: [60, 100], temperature: [34, 41.5] } as const;
    // Collect violations and assert once: an expect() per value would make this test slow.
    const violations: string[] = [];
    for (const { samples } of patients) {
      for (const s of samples) {
        for (const name of VITAL_SIGN_NAMES) {
          const v = s[name];
          if (v !== undefined && (v < ranges[name][0] || v > ranges[name][1])) violations.push(`${name}=${v}`);
        }
        if (s.systolicBp !== undefined && s.diastolicBp !== undefined && s.diastolicBp >= s.systolicBp) violations.push(`bp ${s.systolicBp}/${s.diastolicBp}`);
      }
    }
    expect(violations).toEqual([]);
    const hr = patients.flatMap(({ samples }) => samples.flatMap((s) => (s.heartRate === undefined ? [] : [s.heartRate])));
    expect(mean(hr)).toBeGreaterThan(70);
    expect(mean(hr)).toBeLessThan(95);
  });

  it('shows a worsening trend in patients who deteriorate', () => {
    // Heart rate in the last 6 h minus the first 6 h of the series, averaged per group.
    const drift = ({ samples }: (typeof patients)[number]) => {
      const t = samples.map((s) => Date.parse(s.t));
      const early = samples.filter((s, k) => s.heartRate !== undefined && t[k] - t[0] < 6 * 3_600_000).map((s) => s.heartRate!);
      const late = samples.filter((s, k) => s.heartRate !== undefined && t[t.length - 1] - t[k] < 6 * 3_600_000).map((s) => s.heartRate!);
      return early.length && late.length ? mean(late) - mean(early) : NaN;
    };
    const positives = patients.filter((p) => p.state.label === 1).map(drift).filter((d) => !Number.isNaN(d));
    const negatives = patients.filter((p) => p.state.label === 0).map(drift).filter((d) => !Number.isNaN(d));
    expect(mean(positives)).toBeGreaterThan(3);
    expect(mean(positives) - mean(negatives)).toBeGreaterThan(2);
  });
});
