import type { CaseFinalizedEvent, WebhookCaseResult } from '@lf/contracts';
import { caseResponse, type CaseView } from '@lf/redis';

/**
 * The body of a `case.finalized` delivery, built at delivery time from what the store holds, so jobs carry
 * ids only. Its `result` has the shape of `result` in `GET /v1/cases/{id}` (the e2e test compares the two):
 * no patientRef, no inputs. Every attempt sends the same event (same id, createdAt, probability); the
 * only thing that can change between attempts is a modality that scored after finalization showing up in
 * `late` (as it would in GET).
 */
const iso = (ms: number) => new Date(ms).toISOString();

/** Throws if the case has no stored result yet (the aggregator enqueues only after storing it). */
export function caseFinalizedEvent(view: CaseView, eventId: string): CaseFinalizedEvent {
  const stored = view.result;
  if (!stored || view.finalizedAt === undefined) throw new Error(`case ${view.caseId} has no stored result yet`);
  // Exactly the `result` of GET /v1/cases/{id}: one presenter for both (libs/redis case-response.ts).
  const result: WebhookCaseResult = caseResponse(view).result!;
  return {
    id: eventId,
    type: 'case.finalized',
    createdAt: iso(view.finalizedAt),
    data: { caseId: view.caseId, status: stored.status, submittedAt: iso(view.submittedAt), finalizedAt: iso(view.finalizedAt), result },
  };
}
