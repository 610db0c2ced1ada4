import { lookup } from './fusion-context';
import type { EvidenceView } from './read-evidence';

/**
 * Per-modality weights as configured for weighted-mean and log-odds pooling (typically derived from
 * validation metrics, see `weightsFromAuroc`).
 */
export interface ModalityWeightConfig {
  weights: Record<string, number>;
  /**
   * Weight for a modality the table does not name (a newly registered modality without validation
   * metrics yet). Defaults to the smallest configured weight (1 if the table is empty): an unvalidated
   * modality should not outvote validated ones.
   */
  defaultWeight?: number;
}

function assertWeight(caller: string, name: string, w: number): void {
  if (!Number.isFinite(w) || w < 0) throw new RangeError(`${caller}: weight for "${name}" must be finite and >= 0 (got ${w})`);
}

/**
 * Raw (unnormalised) weights indexed like `views`, 0 for absent evidence. If every present modality has
 * weight 0 they all get 1: a configuration that zeroes everything available expresses no preference
 * among them, and discarding real evidence in favour of the prior would be worse.
 */
export function resolveModalityWeights(
  caller: string,
  views: EvidenceView[],
  presentOrder: number[],
  config: ModalityWeightConfig,
): Float64Array {
  const configured = Object.entries(config.weights ?? {});
  for (const [name, w] of configured) assertWeight(caller, name, w);
  const fallback = config.defaultWeight ?? (configured.length > 0 ? Math.min(...configured.map(([, w]) => w)) : 1);
  assertWeight(caller, 'defaultWeight', fallback);
  const raw = new Float64Array(views.length);
  let total = 0;
  for (const i of presentOrder) {
    raw[i] = lookup(config.weights, views[i].modality) ?? fallback;
    total += raw[i];
  }
  if (total === 0) for (const i of presentOrder) raw[i] = 1;
  return raw;
}

/**
 * Weights from validation AUROC: max(auroc - 0.5, floor). Discrimination above chance is what a modality
 * adds; the floor keeps a near-chance modality from vanishing entirely (it may still matter when alone).
 */
export function weightsFromAuroc(aurocByModality: Record<string, number>, floor = 0.01): Record<string, number> {
  return Object.fromEntries(Object.entries(aurocByModality).map(([m, a]) => [m, Math.max(a - 0.5, floor)]));
}
