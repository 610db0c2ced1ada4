import type { EvidenceStatus, ModalityEvidence } from '@lf/contracts';
import { logit } from '../calibration/logit';

/** One input evidence item, normalised for the strategies. */
export interface EvidenceView {
  /** Position in the caller's array; results are reported in this order. */
  index: number;
  modality: string;
  status: EvidenceStatus;
  /** status 'ok' with a finite calibrated probability in [0, 1]. */
  present: boolean;
  /** The calibrated probability (unclamped); NaN when not present. */
  probability: number;
  /** Calibrated log-odds logit(probability), clamped at 1e-6; 0 when not present. */
  z: number;
}

export interface ReadEvidence {
  /** Same order as the input. */
  views: EvidenceView[];
  /**
   * Indices (into `views`) of present evidence, sorted by modality name. Strategies accumulate in this
   * canonical order so that the fused probability is bit-for-bit independent of the input order
   * (floating-point addition is not associative).
   */
  presentOrder: number[];
  /** Some expected evidence is not usable. */
  degraded: boolean;
}

/**
 * Present means: status 'ok' and a finite calibrated `probability` in [0, 1]. The raw `logit` on the
 * evidence is deliberately not a fallback: it is uncalibrated (calibration happens in the worker), and
 * mixing calibrated and uncalibrated scales would be silently wrong. An 'ok' record without a usable
 * probability is therefore treated like a failure: weight 0, degraded.
 */
export function readEvidence(caller: string, evidence: readonly ModalityEvidence[]): ReadEvidence {
  const seen = new Set<string>();
  const views = evidence.map((e, index): EvidenceView => {
    if (seen.has(e.modality)) throw new RangeError(`${caller}: modality "${e.modality}" appears more than once in the evidence`);
    seen.add(e.modality);
    const p = e.probability;
    const present = e.status === 'ok' && typeof p === 'number' && Number.isFinite(p) && p >= 0 && p <= 1;
    return {
      index,
      modality: e.modality,
      status: e.status,
      present,
      probability: present ? (p as number) : Number.NaN,
      z: present ? logit(p as number) : 0,
    };
  });
  const presentOrder = views
    .filter((v) => v.present)
    .sort((a, b) => (a.modality < b.modality ? -1 : a.modality > b.modality ? 1 : 0))
    .map((v) => v.index);
  return { views, presentOrder, degraded: presentOrder.length < views.length };
}
