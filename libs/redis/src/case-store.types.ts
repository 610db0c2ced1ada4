import type { FinalizeCause, FusedRisk, FusionStrategyName, ScoreRecord } from '@lf/contracts';

/**
 * Case lifecycle: 'pending' until the finalize fence flips it to 'finalizing' (from then on scores are
 * late), then one of the final statuses once the result is stored. 'finalizing' is internal: API readers
 * should see it as 'pending' until the result exists (the gateway maps it).
 */
export type CaseStatus = 'pending' | 'finalizing' | FinalCaseStatus;
export type FinalCaseStatus = 'complete' | 'degraded' | 'failed';

export interface CaseRegistration {
  caseId: string;
  tenant: string;
  /** Expected modalities, in registry order; one job each is enqueued after registration. */
  expected: string[];
  strategy: FusionStrategyName;
  /** Budget from registration to the deadline, ms. */
  deadlineMs: number;
  /** modality -> serialized input (the claim-checked blob), stored with the case TTL. Keys must be expected. */
  blobs: Record<string, Buffer>;
  /** Every key of the case (hash, scores, late, result, events, blobs) expires at submittedAt + ttl. Must exceed the deadline. */
  ttlSeconds: number;
  traceId: string;
  /**
   * Who the case is about, as submitted (`patientRef`, or the FHIR Patient reference): the subject of the
   * RiskAssessment. PHI: stored with the case's TTL, never logged, never in /v1 responses.
   */
  subject?: string;
  /** References to the submitted inputs (FHIR `basis`, e.g. `Observation/abc`), for the RiskAssessment. */
  basis?: string[];
}

export interface RegisteredCase {
  caseId: string;
  /** Epoch ms from Redis TIME (one clock for every app). */
  submittedAt: number;
  deadlineAt: number;
  /** false when the case id already existed (nothing was overwritten). */
  created: boolean;
}

export type RecordScoreOutcome =
  /** stored; other modalities still outstanding */
  | 'recorded'
  /**
   * every expected modality has replied and the case is still pending: enqueue the 'all-replied' trigger.
   * Also returned for a redelivered record once the set is complete, so a worker that crashed between
   * recording and enqueuing enqueues on retry (the trigger's job id and the fence make repeats harmless).
   */
  | 'all-replied'
  /** the case was already fenced: stored under `late` (first late record per modality wins), 'late-score' event */
  | 'late'
  /** this modality already has a record (in scores, or in late after the fence): nothing changed */
  | 'duplicate'
  | 'unknown-case'
  | 'unexpected-modality';

/** What the finalize fence returns. `admitted` is true for exactly one call per case, ever. */
export interface FenceOutcome {
  admitted: boolean;
  /** Why not admitted. 'already-finalized' still returns the snapshot so a crashed finalizer can be redone. */
  reason?: 'already-finalized' | 'not-due' | 'unknown-case';
  /** When admitted or 'already-finalized'. */
  snapshot?: CaseSnapshot;
  /** Redis time (ms) at the fence: with `deadlineAt`, how long to re-delay a 'not-due' deadline trigger. */
  now: number;
  /** With 'not-due' (and whenever the case exists). */
  deadlineAt?: number;
  /**
   * With 'already-finalized': whether the result is stored. false means the admitted finalizer has not
   * finished (or crashed): redo the idempotent steps, e.g. once `now - snapshot.finalizedAt` exceeds a grace period.
   */
  resultStored?: boolean;
}

/** Everything fusion needs, frozen at the fence: the result is a pure function of it. */
export interface CaseSnapshot {
  caseId: string;
  tenant: string;
  expected: string[];
  strategy: FusionStrategyName;
  submittedAt: number;
  deadlineAt: number;
  /** The fence's Redis time (the case hash's `fencedAt`): the instant the score set was frozen. */
  finalizedAt: number;
  completedBy: FinalizeCause;
  scores: Record<string, ScoreRecord>;
  traceId: string;
}

export interface StoredResult {
  fused: FusedRisk;
  status: FinalCaseStatus;
}

/**
 * One entry of the finalized stream (`keys.finalized()`, `lf:finalized`), added by `CaseStore.storeResult`
 * once per stored result: the case's summary as it stands when the result is stored, so a reader (the
 * dashboard's fusion panel) needs no read of the case. Stream values are strings; times are epoch ms on the
 * Redis clock, written as plain integers. Entries from an older aggregator hold `caseId` only: read the case
 * hash and its events then. A reader should treat an entry whose summary does not parse the same way.
 */
export interface FinalizedStreamEntry {
  caseId: string;
  /** The final status: 'complete' | 'degraded' | 'failed'. */
  status?: string;
  /** The fence's cause: 'all-replied' | 'deadline'. */
  completedBy?: string;
  submittedAt?: string;
  deadlineAt?: string;
  /** The fence (the case hash's `fencedAt`, = its `finalizedAt`): when the score set was frozen. */
  finalizedAt?: string;
  /** Expected modalities, comma list (the case hash's `expected`). */
  expected?: string;
  /**
   * Replies in the frozen score set: `<modality>:<status>:<at>` joined by `,` (`''` for none), in the order
   * they were recorded. `status` is the score record's (ok | failed | invalid), `at` the Redis time its
   * `score` event was written (first per modality; late scores are not in it). Modality names hold no `:`/`,`.
   */
  replies?: string;
}

export interface CaseView {
  caseId: string;
  tenant: string;
  status: CaseStatus;
  expected: string[];
  strategy: FusionStrategyName;
  submittedAt: number;
  deadlineAt: number;
  /** Set with the result (= the fence time). */
  finalizedAt?: number;
  /** Set by the fence. */
  completedBy?: FinalizeCause;
  scores: Record<string, ScoreRecord>;
  late: Record<string, ScoreRecord>;
  result?: StoredResult;
  /** See CaseRegistration.subject. */
  subject?: string;
  basis?: string[];
}

export interface CaseEvent {
  /** Stream entry id. */
  id: string;
  type: 'submitted' | 'score' | 'finalized' | 'late-score' | 'result-stored' | WebhookEventOutcome;
  /** ms, Redis clock. */
  at: number;
  /** For 'score' and 'late-score'. */
  modality?: string;
  /**
   * Score status for 'score'/'late-score', the cause for 'finalized', the final status for 'result-stored';
   * for webhook events a short outcome such as `HTTP 204, attempt 1` or `HTTP 500, attempt 8 of 8`.
   */
  detail?: string;
  /** For 'webhook-delivered' and 'webhook-failed'. */
  webhookId?: string;
}

/** Audit entries of the webhook dispatcher: delivered (2xx), or failed for good (attempts used up, or permanent). */
export type WebhookEventOutcome = 'webhook-delivered' | 'webhook-failed';

/** One look at the deadlines index (CaseStore.scanDeadlines), all times ms on the Redis clock. */
export interface DeadlineScan {
  now: number;
  /** Case ids whose deadline has passed, earliest first. */
  due: string[];
  /** The earliest deadline still ahead, or null when no other case is pending. */
  nextDeadlineAt: number | null;
}
