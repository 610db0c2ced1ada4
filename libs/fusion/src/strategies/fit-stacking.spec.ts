import type { ModalityEvidence } from '@lf/contracts';
import { sigmoid } from '../calibration/sigmoid';
import { mulberry32 } from '../math/mulberry32';
import { logLoss } from '../metrics/log-loss.metric';
import { gaussian } from '../testing/synthetic-data';
import { absent, context, ok } from '../testing/evidence';
import { fitStacking, type StackingRow } from './fit-stacking';
import { stackingFusion } from './stacking.strategy';

const MODALITIES = ['imaging', 'tabular', 'vitals'];

describe('fitStacking', () => {
  it('recovers the coefficients of a known stacking model (MCAR missingness, no dropout)', () => {
    const truth = { intercept: -1.5, logitCoef: [0.8, 0.5, 0.3], presenceCoef: [0.4, -0.3, 0] };
    const random = mulberry32(17);
    const normal = gaussian(random);
    const rows: StackingRow[] = [];
    for (let i = 0; i < 20_000; i++) {
      let eta = truth.intercept;
      const evidence: ModalityEvidence[] = MODALITIES.map((m, k) => {
        if (random() >= 0.7) return absent(m);
        const z = 1.5 * normal();
        eta += truth.logitCoef[k] * z + truth.presenceCoef[k];
        return ok(m, sigmoid(z));
      });
      rows.push({ evidence, label: random() < sigmoid(eta) ? 1 : 0 });
    }
    const fit = fitStacking(rows, { modalities: MODALITIES, l2: 1e-6, dropoutRate: 0, replicas: 1, seed: 1 });
    expect(fit.intercept).toBeCloseTo(truth.intercept, 1);
    MODALITIES.forEach((m, k) => {
      expect(Math.abs(fit.logitCoef[m] - truth.logitCoef[k])).toBeLessThan(0.06);
      expect(Math.abs(fit.presenceCoef[m] - truth.presenceCoef[k])).toBeLessThan(0.12);
    });
  });

  // Two noisy views of one latent severity, always both present in training.
  function correlatedRows(n: number, seed: number): StackingRow[] {
    const random = mulberry32(seed);
    const normal = gaussian(random);
    return Array.from({ length: n }, () => {
      const s = normal();
      const label: 0 | 1 = random() < sigmoid(-2 + 2.5 * s) ? 1 : 0;
      return { evidence: [ok('imaging', sigmoid(-2 + 2 * (s + 0.4 * normal()))), ok('tabular', sigmoid(-2 + 2 * (s + 0.4 * normal())))], label };
    });
  }

  it('with modality dropout, predicts better when a modality is missing at runtime', () => {
    const train = correlatedRows(4000, 3);
    const test = correlatedRows(4000, 4);
    const options = { modalities: ['imaging', 'tabular'], l2: 1e-4, seed: 9, replicas: 4 };
    const plain = fitStacking(train, { ...options, dropoutRate: 0 });
    const dropout = fitStacking(train, { ...options, dropoutRate: 0.4 });
    const onlyImaging = (params: typeof plain) =>
      test.map((r) => stackingFusion([r.evidence[0], absent('tabular')], { ...params, ...context }).probability);
    const labels = test.map((r) => r.label);
    expect(logLoss(onlyImaging(dropout), labels)).toBeLessThan(logLoss(onlyImaging(plain), labels) - 0.01);
  });

  it('is deterministic for a seed', () => {
    const rows = correlatedRows(500, 5);
    const options = { modalities: ['imaging', 'tabular'], l2: 1e-3, dropoutRate: 0.3 };
    expect(fitStacking(rows, { ...options, seed: 1 })).toEqual(fitStacking(rows, { ...options, seed: 1 }));
    expect(fitStacking(rows, { ...options, seed: 1 })).not.toEqual(fitStacking(rows, { ...options, seed: 2 }));
  });

  it('validates its options', () => {
    const rows = correlatedRows(50, 6);
    const base = { modalities: ['imaging', 'tabular'], l2: 1e-3, dropoutRate: 0.3, seed: 1 };
    expect(() => fitStacking(rows, { ...base, dropoutRate: 1 })).toThrow(/dropoutRate/);
    expect(() => fitStacking(rows, { ...base, modalities: ['imaging', 'imaging'] })).toThrow(/duplicates/);
    expect(() => fitStacking(rows.map((r) => ({ ...r, label: 0 as const })), base)).toThrow(/positive and one negative/);
    expect(() => fitStacking(rows, { ...base, sampleWeights: [1] })).toThrow(/sampleWeights has length 1/);
  });
});
