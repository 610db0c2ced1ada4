import { generateCohort } from '../src/generate-cohort';
import { auroc } from './auroc';
import { fitLogistic } from './logistic-fit';
import { imagingFeatures, tabularFeatures, vitalsFeatures } from './oracle-features';

export interface OracleReport {
  n: number;
  prevalence: number;
  /** AUROC of the true risk logit: the ceiling no model can beat. */
  latentCeiling: number;
  imaging: number;
  tabular: number;
  vitals: number;
  combined: number;
}

/**
 * Oracle informativeness: every modality rendered for every patient (naturalMissingness off), per-
 * modality summary features -> ridge logistic regression fitted on the first half, AUROC on the
 * second half; "combined" uses all features together.
 */
export function evaluateOracle(seed: number, n: number, imageSize = 96): OracleReport {
  const rows: { imaging: number[]; tabular: number[]; vitals: number[] }[] = [];
  const labels: number[] = [];
  const logits: number[] = [];
  for (const c of generateCohort({ seed, n, imageSize, imagingFormat: 'raw', naturalMissingness: false })) {
    rows.push({ imaging: imagingFeatures(c.request), tabular: tabularFeatures(c.request), vitals: vitalsFeatures(c.request) });
    labels.push(c.label);
    logits.push(c.latent.riskLogit);
  }
  const half = Math.floor(n / 2);
  const score = (pick: (r: (typeof rows)[number]) => number[]): number => {
    const X = rows.map(pick);
    const model = fitLogistic(X.slice(0, half), labels.slice(0, half));
    return auroc(X.slice(half).map((x) => model.predict(x)), labels.slice(half));
  };
  return {
    n,
    prevalence: labels.reduce((a, b) => a + b, 0) / n,
    latentCeiling: auroc(logits.slice(half), labels.slice(half)),
    imaging: score((r) => r.imaging),
    tabular: score((r) => r.tabular),
    vitals: score((r) => r.vitals),
    combined: score((r) => [...r.imaging, ...r.tabular, ...r.vitals]),
  };
}
