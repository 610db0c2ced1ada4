import type { ScoreRecord } from '@lf/contracts';
import type { CaseEvent, CaseView } from '@lf/redis';
import { caseResponse, type CaseResponse } from '@lf/redis';

/**
 * What `GET /v1/cases/{id}/events` sends for each entry of the case's event stream, built purely from
 * the entry and a case view read after it. The SSE `id:` is the stream entry id (so `Last-Event-ID`
 * resumes exactly), `event:` the lifecycle step, `data:` one JSON object:
 *
 *   submitted   {type, caseId, at}
 *   score       {type, caseId, at, modality, status, probability?, modelVersion?, latencyMs?, error?}
 *   finalized   {type, caseId, at, completedBy}              (the score set is frozen; fusion runs)
 *   result      {type, caseId, at, ...GET /v1/cases/{id}}   (status, finalizedAt, result)
 *   late-score  {type, caseId, at, modality, status, probability?, modelVersion?, latencyMs?, error?}
 *
 * Never input values: the stream holds types, times, modality names and statuses; scores and the result
 * come from the stored records. Entries of other kinds (webhook delivery audit) are not lifecycle steps
 * and are skipped.
 */
export type CaseSseEventName = 'submitted' | 'score' | 'finalized' | 'result' | 'late-score';

export interface CaseSseEvent {
  id: string;
  event: CaseSseEventName;
  data: CaseSseData;
}

export type CaseSseData =
  | { type: 'submitted'; caseId: string; at: string }
  | ({ type: 'score' | 'late-score'; caseId: string; at: string; modality: string; status: string } & ScoreFields)
  | { type: 'finalized'; caseId: string; at: string; completedBy: string }
  | ({ type: 'result'; caseId: string; at: string } & Omit<CaseResponse, 'caseId'>);

interface ScoreFields {
  probability?: number;
  modelVersion?: string;
  latencyMs?: number;
  error?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const own = <T>(record: Record<string, T>, key: string): T | undefined => (Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined);

function scoreFields(record: ScoreRecord | undefined): ScoreFields {
  if (!record) return {};
  const out: ScoreFields = { modelVersion: record.modelVersion, latencyMs: record.latencyMs };
  if (record.status === 'ok' && typeof record.probability === 'number') out.probability = record.probability;
  if (record.error !== undefined) out.error = record.error;
  return out;
}

/** The SSE event for one stream entry, or undefined for entries that are not lifecycle steps. */
export function toSseEvent(caseId: string, entry: CaseEvent, view: CaseView | null): CaseSseEvent | undefined {
  const at = iso(entry.at);
  switch (entry.type) {
    case 'submitted':
      return { id: entry.id, event: 'submitted', data: { type: 'submitted', caseId, at } };
    case 'score':
    case 'late-score': {
      const modality = entry.modality ?? '';
      const record = view ? own(entry.type === 'score' ? view.scores : view.late, modality) : undefined;
      return {
        id: entry.id,
        event: entry.type,
        data: { type: entry.type, caseId, at, modality, status: record?.status ?? entry.detail ?? 'unknown', ...scoreFields(record) },
      };
    }
    case 'finalized':
      return { id: entry.id, event: 'finalized', data: { type: 'finalized', caseId, at, completedBy: entry.detail ?? view?.completedBy ?? 'unknown' } };
    case 'result-stored': {
      if (view?.result) {
        const { caseId: _omit, ...rest } = caseResponse(view);
        return { id: entry.id, event: 'result', data: { type: 'result', caseId, at, ...rest } };
      }
      // The result expired between the entry and the read: say what the entry knows.
      const status = (['complete', 'degraded', 'failed'] as const).find((s) => s === entry.detail) ?? 'failed';
      return {
        id: entry.id,
        event: 'result',
        data: { type: 'result', caseId, at, status, submittedAt: iso(view?.submittedAt ?? entry.at), deadlineAt: iso(view?.deadlineAt ?? entry.at) },
      };
    }
    default:
      return undefined;
  }
}

/** One event in the text/event-stream format (data is one JSON line, so it needs no splitting). */
export function formatSse(event: CaseSseEvent): string {
  return `id: ${event.id}\nevent: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
