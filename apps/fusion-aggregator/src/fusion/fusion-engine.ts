import type { FusedRisk, FusionStrategyName, ModalityEvidence } from '@lf/contracts';
import { fuse } from '@lf/fusion';
import type { FusionBundle } from './fusion-bundle';

/**
 * libs/fusion's `fuse` bound to the loaded bundle. A case keeps the strategy it asked for whenever the bundle
 * can run it; otherwise (e.g. 'attention' requested from a bundle shipped without the ONNX module) it is fused
 * with the bundle's default, and the stored result's `strategy` says which one was used, so the substitution
 * is visible to the client rather than a case that can never finalize.
 */
export class FusionEngine {
  constructor(private readonly bundle: Pick<FusionBundle, 'params' | 'attention' | 'strategies' | 'defaultStrategy'>) {}

  strategyFor(requested: FusionStrategyName): FusionStrategyName {
    return this.bundle.strategies.has(requested) ? requested : this.bundle.defaultStrategy;
  }

  fuse(requested: FusionStrategyName, evidence: readonly ModalityEvidence[]): Promise<FusedRisk> {
    const runners = this.bundle.attention ? { attention: this.bundle.attention } : {};
    return fuse(this.strategyFor(requested), evidence, this.bundle.params, runners);
  }
}
