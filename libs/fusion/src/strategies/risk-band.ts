import type { RiskBand } from '@lf/contracts';

/**
 * Operating thresholds on the fused probability, chosen on validation data (DESIGN.md 4): typically
 * `moderate` = the threshold reaching 0.90 sensitivity (`thresholdForSensitivity`), `high` a stricter
 * one (e.g. the threshold with a clinically meaningful PPV). Rule: p >= high -> 'high',
 * else p >= moderate -> 'moderate', else 'low'.
 */
export interface RiskBandThresholds {
  moderate: number;
  high: number;
}

export function assertRiskBandThresholds(thresholds: RiskBandThresholds): void {
  const { moderate, high } = thresholds;
  if (!(Number.isFinite(moderate) && Number.isFinite(high) && moderate >= 0 && moderate <= high && high <= 1)) {
    throw new RangeError(`riskBands: need 0 <= moderate <= high <= 1 (got moderate=${moderate}, high=${high})`);
  }
}

export function riskBand(probability: number, thresholds: RiskBandThresholds): RiskBand {
  assertRiskBandThresholds(thresholds);
  if (Number.isNaN(probability)) throw new RangeError('riskBand: probability is NaN');
  if (probability >= thresholds.high) return 'high';
  if (probability >= thresholds.moderate) return 'moderate';
  return 'low';
}
