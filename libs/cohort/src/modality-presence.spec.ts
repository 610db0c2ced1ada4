import { generateCohort } from './generate-cohort';
import { applyDropout, naturalPresence, type Presence } from './modality-presence';
import { Rng } from './rng';

const ALL: Presence = { imaging: true, tabular: true, vitals: true };
const count = (p: Presence) => Number(p.imaging) + Number(p.tabular) + Number(p.vitals);

describe('modality presence', () => {
  it('renders every modality for every patient when natural missingness is off', () => {
    const rng = new Rng(1);
    for (let k = 0; k < 500; k++) expect(naturalPresence(rng, rng.normal() * 2, false)).toEqual(ALL);
  });

  it('drops each modality at about dropRate and never all of them', () => {
    const rng = new Rng(2);
    const n = 20_000;
    const dropRate = 0.3;
    const kept = { imaging: 0, tabular: 0, vitals: 0 };
    for (let k = 0; k < n; k++) {
      const p = applyDropout(rng, ALL, dropRate);
      expect(count(p)).toBeGreaterThan(0);
      for (const m of ['imaging', 'tabular', 'vitals'] as const) kept[m] += Number(p[m]);
    }
    // P(kept) = 0.7 plus a third of P(all three dropped) = 0.027 from the keep-one rule.
    for (const m of ['imaging', 'tabular', 'vitals'] as const) expect(kept[m] / n).toBeCloseTo(0.7 + 0.027 / 3, 1);
  });

  it('keeps exactly one present modality, chosen at random, when everything would be dropped', () => {
    const rng = new Rng(3);
    const chosen = { imaging: 0, tabular: 0, vitals: 0 };
    for (let k = 0; k < 3000; k++) {
      const p = applyDropout(rng, ALL, 1);
      expect(count(p)).toBe(1);
      for (const m of ['imaging', 'tabular', 'vitals'] as const) chosen[m] += Number(p[m]);
    }
    for (const m of ['imaging', 'tabular', 'vitals'] as const) expect(chosen[m]).toBeGreaterThan(850);
    // Only modalities that were present can be kept.
    expect(applyDropout(rng, { imaging: false, tabular: false, vitals: true }, 1)).toEqual({ imaging: false, tabular: false, vitals: true });
  });

  it('applies dropRate after natural missingness in a generated cohort', () => {
    let total = 0;
    let imaging = 0;
    for (const c of generateCohort({ seed: 4, n: 1500, imageSize: 8, imagingFormat: 'raw', naturalMissingness: false, dropRate: 0.5 })) {
      const present = Object.values(c.request.inputs).filter((v) => v !== undefined).length;
      expect(present).toBeGreaterThan(0);
      total += present;
      if (c.request.inputs.imaging) imaging++;
    }
    // E[present] = 3 * 0.5 + P(all dropped) = 1.5 + 0.125
    expect(total / 1500).toBeCloseTo(1.625, 1);
    expect(imaging / 1500).toBeCloseTo(0.5 + 0.125 / 3, 1);
  });
});
