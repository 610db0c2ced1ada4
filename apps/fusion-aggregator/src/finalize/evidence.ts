import type { FusedRisk, ModalityEvidence, ScoreRecord } from '@lf/contracts';
import type { FinalCaseStatus } from '@lf/redis';

/**
 * Pure steps between the frozen snapshot and the stored result.
 *
 * Evidence: one item per expected modality, in the case's (registry) order: the record's status and, for
 * 'ok', its calibrated probability and logit; 'missing' when no record was in when the fence froze the
 * score set. Records for modalities the case did not expect are ignored. ('late' never appears here: a
 * late score arrives after the snapshot by definition.)
 */
export function buildEvidence(expected: readonly string[], scores: Readonly<Record<string, ScoreRecord>>): ModalityEvidence[] {
  return expected.map((modality): ModalityEvidence => {
    const record = Object.prototype.hasOwnProperty.call(scores, modality) ? scores[modality] : undefined;
    if (record === undefined) return { modality, status: 'missing' };
    if (record.status !== 'ok') return { modality, status: record.status };
    const evidence: ModalityEvidence = { modality, status: 'ok' };
    if (record.probability !== undefined) evidence.probability = record.probability;
    if (record.logit !== undefined) evidence.logit = record.logit;
    return evidence;
  });
}

/** Same rule as libs/fusion's readEvidence: 'ok' with a finite calibrated probability in [0, 1]. */
export function isUsable(e: ModalityEvidence): boolean {
  return e.status === 'ok' && typeof e.probability === 'number' && Number.isFinite(e.probability) && e.probability >= 0 && e.probability <= 1;
}

/**
 * The case status:
 * - 'complete': every expected modality contributed and fusion did not flag the result as degraded;
 * - 'degraded': at least one modality contributed, but some are missing/failed/invalid (or the strategy
 *   could not use one, e.g. a modality the attention model was not trained on);
 * - 'failed': no modality is usable. Fusion then returns the prevalence prior, which is stored for audit
 *   but is not a risk estimate for the patient: the API reports probability and risk band as null.
 */
export function decideStatus(evidence: readonly ModalityEvidence[], fused: Pick<FusedRisk, 'degraded'>): FinalCaseStatus {
  const usable = evidence.filter(isUsable).length;
  if (usable === 0) return 'failed';
  return usable === evidence.length && !fused.degraded ? 'complete' : 'degraded';
}
