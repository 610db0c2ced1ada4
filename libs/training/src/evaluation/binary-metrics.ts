import { auprc, auroc, aurocConfidenceInterval, brier, expectedCalibrationError } from '@lf/fusion';

export interface BinaryMetrics {
  n: number;
  prevalence: number;
  auroc: number;
  aurocCi: [number, number];
  auprc: number;
  brier: number;
  ece: number;
}

const round = (v: number) => Math.round(v * 10_000) / 10_000;

/** The metric set every report and manifest uses, rounded to 4 decimals so reports diff cleanly. */
export function binaryMetrics(probabilities: ArrayLike<number>, labels: ArrayLike<number>): BinaryMetrics {
  const p = Array.from(probabilities);
  const y = Array.from(labels);
  const ci = aurocConfidenceInterval(p, y);
  return {
    n: y.length,
    prevalence: round(y.reduce((a, b) => a + b, 0) / y.length),
    auroc: round(auroc(p, y)),
    aurocCi: [round(ci.lower), round(ci.upper)],
    auprc: round(auprc(p, y)),
    brier: round(brier(p, y)),
    ece: round(expectedCalibrationError(p, y)),
  };
}
