import type { EvidenceStatus, FinalizeCause, FusionStrategyName, RiskBand, ScoreRecord } from '@lf/contracts';
import type { CaseView } from './case-store.types';

/**
 * The public shape of `GET /v1/cases/{id}` (issue 3), built purely from what the store holds: the case
 * hash, the score records frozen at finalization, late records, and the stored FusedRisk.
 *
 * - Until a result is stored the case is `pending`, also while the aggregator is between its fence and
 *   its result write (the store may call that state 'finalizing'): clients see one terminal transition.
 * - `failed` (no modality usable) carries `probability: null` and `riskBand: null`: the fused value then
 *   is only the population prior, which is not a risk estimate for this patient.
 * - A modality whose score arrived after finalization is `late` (weight 0, it did not contribute), and is
 *   listed both in `missing` (absent when fused) and in `late`; its late probability is shown for audit.
 * - Times are ISO 8601 UTC strings with milliseconds (Redis clock).
 */
export type PublicCaseStatus = 'pending' | 'complete' | 'degraded' | 'failed';

export interface ModalityResultView {
  status: EvidenceStatus;
  probability?: number;
  weight: number;
  modelVersion?: string;
  latencyMs?: number;
  error?: string;
}

export interface CaseResultView {
  probability: number | null;
  riskBand: RiskBand | null;
  strategy: FusionStrategyName;
  completedBy: FinalizeCause;
  modalities: Record<string, ModalityResultView>;
  missing: string[];
  late: string[];
}

export interface CaseResponse {
  caseId: string;
  status: PublicCaseStatus;
  submittedAt: string;
  deadlineAt: string;
  finalizedAt?: string;
  result?: CaseResultView;
}

const iso = (ms: number) => new Date(ms).toISOString();
const own = <T>(record: Record<string, T>, key: string): T | undefined =>
  Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;

function modalityView(name: string, view: CaseView): ModalityResultView {
  const fused = view.result?.fused.contributions.find((c) => c.modality === name);
  const score = own(view.scores, name);
  const late = own(view.late, name);
  const record: ScoreRecord | undefined = score ?? late;
  const out: ModalityResultView = {
    status: score ? score.status : late ? 'late' : 'missing',
    weight: fused?.weight ?? 0,
  };
  if (record?.status === 'ok' && typeof record.probability === 'number') out.probability = record.probability;
  if (record) {
    out.modelVersion = record.modelVersion;
    out.latencyMs = record.latencyMs;
    if (record.error !== undefined) out.error = record.error;
  }
  return out;
}

export function caseResponse(view: CaseView): CaseResponse {
  const base: CaseResponse = {
    caseId: view.caseId,
    status: 'pending',
    submittedAt: iso(view.submittedAt),
    deadlineAt: iso(view.deadlineAt),
  };
  const stored = view.result;
  if (stored === undefined) return base;

  const modalities: Record<string, ModalityResultView> = {};
  for (const name of view.expected) modalities[name] = modalityView(name, view);
  const usable = stored.status !== 'failed';
  const result: CaseResultView = {
    probability: usable ? stored.fused.probability : null,
    riskBand: usable ? stored.fused.riskBand : null,
    strategy: stored.fused.strategy,
    completedBy: view.completedBy ?? 'deadline',
    modalities,
    missing: view.expected.filter((m) => own(view.scores, m) === undefined),
    late: view.expected.filter((m) => own(view.late, m) !== undefined),
  };
  return {
    ...base,
    status: stored.status,
    ...(view.finalizedAt !== undefined ? { finalizedAt: iso(view.finalizedAt) } : {}),
    result,
  };
}
