import type { FusedRisk, FusionStrategyName, ModalityEvidence } from '@lf/contracts';
import { attentionFusion, type AttentionConfig, type AttentionRunner } from './strategies/attention.strategy';
import type { FusionContext } from './strategies/fusion-context';
import { logOddsFusion, type LogOddsConfig } from './strategies/log-odds.strategy';
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

/** Dispatches to one strategy. Async only because attention awaits its runner; the others are pure. */
export async function fuse(
  strategy: FusionStrategyName,
  evidence: readonly ModalityEvidence[],
  params: FusionParams,
  runners: FusionRunners = {},
): Promise<FusedRisk> {
  const context: FusionContext = { prior: params.prior, riskBands: params.riskBands };
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
