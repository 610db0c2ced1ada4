import { LAB_UNITS, type LabName } from '@lf/contracts';
import { generateCohort } from './generate-cohort';
import type { GeneratedCase } from './generated-case';

/** One ~3000-patient cohort shared by the statistical checks (tiny images keep it fast). */
const N = 3000;
let cohort: GeneratedCase[];
beforeAll(() => {
  cohort = [...generateCohort({ seed: 2025, n: N, imageSize: 16, imagingFormat: 'raw' })];
});

const share = (cases: GeneratedCase[], predicate: (c: GeneratedCase) => boolean) => cases.filter(predicate).length / cases.length;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('cohort statistics (seed 2025, n = 3000)', () => {
  it('has a prevalence of about 12 % (10-15 %)', () => {
    const prevalence = share(cohort, (c) => c.label === 1);
    expect(prevalence).toBeGreaterThan(0.1);
    expect(prevalence).toBeLessThan(0.15);
  });

  it('has standard-normal latent factors with the documented correlation (0.36)', () => {
    const r = cohort.map((c) => c.latent.respiratory);
    const h = cohort.map((c) => c.latent.haemodynamic);
    expect(Math.abs(mean(r))).toBeLessThan(0.06);
    expect(Math.abs(mean(r.map((x) => x * x)) - 1)).toBeLessThan(0.08);
    expect(mean(r.map((x, k) => x * h[k]))).toBeCloseTo(0.36, 1);
  });

  it('misses modalities not at random: imaging more often present for sicker patients, tabular almost always', () => {
    const sick = cohort.filter((c) => c.latent.severity > 0.5);
    const well = cohort.filter((c) => c.latent.severity < -0.5);
    const hasImaging = (c: GeneratedCase) => c.request.inputs.imaging !== undefined;
    expect(share(sick, hasImaging) - share(well, hasImaging)).toBeGreaterThan(0.25);
    expect(share(cohort, hasImaging)).toBeGreaterThan(0.45);
    expect(share(cohort, hasImaging)).toBeLessThan(0.7);
    expect(share(cohort, (c) => c.request.inputs.tabular !== undefined)).toBeGreaterThan(0.94);
    expect(share(cohort, (c) => c.request.inputs.vitals !== undefined)).toBeGreaterThan(0.85);
    // Positives therefore have imaging more often than negatives: each modality's subset has its own prevalence.
    const positives = cohort.filter((c) => c.label === 1);
    const negatives = cohort.filter((c) => c.label === 0);
    expect(share(positives, hasImaging)).toBeGreaterThan(share(negatives, hasImaging) + 0.1);
  });

  it('gives sicker patients shorter vitals histories (early escalation)', () => {
    const hours = (c: GeneratedCase) => {
      const t = c.request.inputs.vitals!.samples.map((s) => Date.parse(s.t));
      return (Math.max(...t) - Math.min(...t)) / 3_600_000;
    };
    const withVitals = cohort.filter((c) => c.request.inputs.vitals);
    const positives = withVitals.filter((c) => c.label === 1).map(hours);
    const negatives = withVitals.filter((c) => c.label === 0).map(hours);
    expect(mean(negatives) - mean(positives)).toBeGreaterThan(1.5);
  });

  it('keeps every lab missing in 10-30 % of tabular inputs, lactate more often for well patients', () => {
    const tabular = cohort.flatMap((c) => (c.request.inputs.tabular ? [{ c, t: c.request.inputs.tabular }] : []));
    for (const lab of ['crp', 'wbc', 'lactate', 'creatinine', 'hemoglobin', 'platelets', 'sodium'] as const) {
      const missing = tabular.filter(({ t }) => t.labs?.[lab] === undefined).length / tabular.length;
      expect({ lab, missing: missing > 0.1 && missing < 0.3 }).toEqual({ lab, missing: true });
    }
    const lactateMissing = (rows: typeof tabular) => rows.filter(({ t }) => t.labs?.lactate === undefined).length / rows.length;
    const well = tabular.filter(({ c }) => c.latent.severity < -0.5);
    const sick = tabular.filter(({ c }) => c.latent.severity > 0.5);
    expect(lactateMissing(well)).toBeGreaterThan(lactateMissing(sick) + 0.15);
    const noComorbidities = tabular.filter(({ t }) => t.comorbidities === undefined).length / tabular.length;
    expect(noComorbidities).toBeGreaterThan(0.05);
    expect(noComorbidities).toBeLessThan(0.25);
  });

  it('reports about 15 % of convertible labs in their alternative unit', () => {
    let alternative = 0;
    let total = 0;
    for (const c of cohort) {
      for (const [name, lab] of Object.entries(c.request.inputs.tabular?.labs ?? {}) as [LabName, { unit: string }][]) {
        if (LAB_UNITS[name].length < 2) continue;
        total++;
        if (lab.unit !== LAB_UNITS[name][0]) alternative++;
      }
    }
    expect(alternative / total).toBeGreaterThan(0.12);
    expect(alternative / total).toBeLessThan(0.18);
  });
});
