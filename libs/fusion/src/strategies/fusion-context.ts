import type { FusedRisk, FusionStrategyName } from '@lf/contracts';
import type { EvidenceView } from './read-evidence';
import { assertRiskBandThresholds, riskBand, type RiskBandThresholds } from './risk-band';

/** What every strategy needs besides its own parameters. */
export interface FusionContext {
  /** Outcome prevalence on the training population, in (0, 1): the answer when no evidence is usable. */
  prior: number;
  riskBands: RiskBandThresholds;
}

export function assertFusionContext(caller: string, context: FusionContext): void {
  if (!(context.prior > 0 && context.prior < 1)) {
    throw new RangeError(`${caller}: prior must be a probability in (0, 1), got ${context.prior}`);
  }
  assertRiskBandThresholds(context.riskBands);
}

/** Own-property lookup: modality names such as "constructor" must not hit Object.prototype. */
export function lookup(record: Record<string, number> | undefined, key: string): number | undefined {
  return record !== undefined && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/**
 * Assembles the contract result. `weights` and `contributions` are indexed like `views` (input order);
 * entries for unusable evidence must already be 0.
 */
export function fusedResult(
  strategy: FusionStrategyName,
  probability: number,
  views: EvidenceView[],
  weights: ArrayLike<number>,
  contributions: ArrayLike<number>,
  degraded: boolean,
  context: FusionContext,
): FusedRisk {
  // Sums of weights that add to 1 only up to rounding can push a mean of probabilities a hair past 1.
  const p = Math.min(1, Math.max(0, probability));
  return {
    strategy,
    probability: p,
    riskBand: riskBand(p, context.riskBands),
    contributions: views.map((v, i) => ({
      modality: v.modality,
      status: v.status,
      weight: weights[i],
      contribution: contributions[i],
    })),
    degraded,
  };
}

/**
 * No usable evidence at all (every modality missing/failed/late, or none expected): the best calibrated
 * answer is the prevalence itself. The result says so: degraded, every weight and contribution 0.
 */
export function priorResult(strategy: FusionStrategyName, views: EvidenceView[], context: FusionContext): FusedRisk {
  const zeros = new Float64Array(views.length);
  return fusedResult(strategy, context.prior, views, zeros, zeros, true, context);
}

/** Shares of nonnegative magnitudes over the given indices; equal shares when all are 0. */
export function shares(magnitudes: ArrayLike<number>, indices: number[], size: number): Float64Array {
  const out = new Float64Array(size);
  let total = 0;
  for (const i of indices) total += magnitudes[i];
  for (const i of indices) out[i] = total > 0 ? magnitudes[i] / total : 1 / indices.length;
  return out;
}
