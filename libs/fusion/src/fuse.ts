import type { FusedRisk, FusionStrategyName, ModalityEvidence } from '@lf/contracts';
import { attentionFusion, type AttentionConfig, type AttentionRunner } from './strategies/attention.strategy';
import { lookup, type FusionContext } from './strategies/fusion-context';
import { logOddsFusion, type LogOddsConfig } from './strategies/log-odds.strategy';
import { readEvidence } from './strategies/read-evidence';
import { stackingFusion, type StackingParams } from './strategies/stacking.strategy';
import { weightedMeanFusion, type WeightedMeanConfig } from './strategies/weighted-mean.strategy';

/**
 * Everything the aggregator needs to fuse with any strategy, typically loaded from the fusion manifest.
 * `prior` and `riskBands` are shared; each strategy section is optional so a deployment can ship
 * without, say, an attention model, and fails clearly only if a case asks for it.
 */
export interface FusionParams extends FusionContext {
  weightedMean?: WeightedMeanConfig;
  logOdds?: LogOddsConfig;
  stacking?: StackingParams;
  attention?: AttentionConfig;
}

export interface FusionRunners {
  attention?: AttentionRunner;
}

function section<T>(value: T | undefined, strategy: FusionStrategyName, key: string): T {
  if (value === undefined) throw new Error(`fuse: strategy "${strategy}" requested but params.${key} is not configured`);
  return value;
}

/**
 * Present modalities (usable evidence) that a learned strategy has no parameters for: stacking without a
 * coefficient, attention outside the module's input slots. Empty for the pooling strategies, which take any
 * modality (with `defaultWeight` when their table does not name it).
 */
export function modalitiesUnknownToStrategy(strategy: FusionStrategyName, evidence: readonly ModalityEvidence[], params: FusionParams): string[] {
  let known: ((modality: string) => boolean) | undefined;
  if (strategy === 'stacking' && params.stacking) {
    const { logitCoef, presenceCoef } = params.stacking;
    known = (m) => lookup(logitCoef, m) !== undefined || lookup(presenceCoef, m) !== undefined;
  } else if (strategy === 'attention' && params.attention) {
    const slots = params.attention.modalities;
    known = (m) => slots.includes(m);
  }
  if (known === undefined) return [];
  const { views, presentOrder } = readEvidence('fuse', evidence);
  return presentOrder.map((i) => views[i].modality).filter((m) => !known(m));
}

/**
 * The strategy that actually fuses this evidence. A learned strategy (stacking, attention) that was trained
 * without a modality that is now present (one added through the modality registry after the fusion bundle was
 * fitted, DESIGN.md 2) would have to ignore that evidence. Instead the case falls back to log-odds pooling, or
 * weighted-mean if the params have no log-odds section, which take every present modality (an unnamed one with
 * `defaultWeight`, by default the smallest validated weight). The result's `strategy` names the one used. With
 * neither pooling section configured, the learned strategy runs and ignores the unknown modality (degraded).
 */
export function effectiveStrategy(strategy: FusionStrategyName, evidence: readonly ModalityEvidence[], params: FusionParams): FusionStrategyName {
  if (modalitiesUnknownToStrategy(strategy, evidence, params).length === 0) return strategy;
  if (params.logOdds) return 'log-odds';
  if (params.weightedMean) return 'weighted-mean';
  return strategy;
}

/**
 * Dispatches to one strategy (see `effectiveStrategy` for the fallback when a learned strategy does not know a
 * present modality). Async only because attention awaits its runner; the others are pure.
 */
export async function fuse(
  requested: FusionStrategyName,
  evidence: readonly ModalityEvidence[],
  params: FusionParams,
  runners: FusionRunners = {},
): Promise<FusedRisk> {
  const context: FusionContext = { prior: params.prior, riskBands: params.riskBands };
  const strategy = effectiveStrategy(requested, evidence, params);
  switch (strategy) {
    case 'weighted-mean':
      return weightedMeanFusion(evidence, { ...section(params.weightedMean, strategy, 'weightedMean'), ...context });
    case 'log-odds': {
      const config = section(params.logOdds, strategy, 'logOdds');
      return logOddsFusion(evidence, { ...config, prior: config.prior ?? context.prior, riskBands: context.riskBands });
    }
    case 'stacking':
      return stackingFusion(evidence, { ...section(params.stacking, strategy, 'stacking'), ...context });
    case 'attention': {
      const config = section(params.attention, strategy, 'attention');
      if (runners.attention === undefined) throw new Error('fuse: strategy "attention" requested but no attention runner was provided');
      return attentionFusion(evidence, { ...config, ...context }, runners.attention);
    }
    default: {
      const unknown: never = strategy;
      throw new Error(`fuse: unknown strategy "${String(unknown)}"`);
    }
  }
}
