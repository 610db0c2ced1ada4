/**
 * One finalized case as the fusion panel needs it, built from its `lf:finalized` stream entry (the summary
 * the aggregator writes with the result: `FinalizedStreamEntry` in @lf/redis) or, for an entry holding only
 * `caseId` (an older aggregator), from the case hash (HMGET of CASE_FIELDS) and the case's event stream.
 * Never the tenant's inputs: none of these hold any (types, times, modality names and statuses only; no
 * patientRef exists in Redis). Pure, so the panel's arithmetic is unit-tested.
 */
import { FINAL_STATUSES } from './fusion-constants';

export const CASE_FIELDS = ['status', 'expected', 'submittedAt', 'deadlineAt', 'fencedAt', 'completedBy', 'finalizedAt'] as const;

export type FinalStatus = (typeof FINAL_STATUSES)[number];

export interface ModalityReply {
  /** ok | failed | invalid (the score record's status). */
  status: string;
  /** Redis time the score was recorded, ms. */
  at: number;
}

export interface FinalizedCase {
  caseId: string;
  submittedAt: number;
  deadlineAt: number;
  /** The fence (the instant the score set was frozen), ms, Redis clock. */
  finalizedAt: number;
  completedBy: 'all-replied' | 'deadline';
  status: FinalStatus;
  expected: string[];
  /** Scores recorded before the fence, by modality. */
  replies: Record<string, ModalityReply>;
}

export type CaseState =
  | { state: 'gone' }
  | { state: 'pending'; deadlineAt: number }
  | { state: 'finalizing' }
  | { state: 'final' };

const int = (raw: string | null | undefined): number | null => {
  if (raw === null || raw === undefined || !/^-?\d+$/.test(raw)) return null;
  return Number(raw);
};

/** Where a case is, from HMGET CASE_FIELDS. */
export function caseState(values: ReadonlyArray<string | null>): CaseState {
  const [status, , , deadlineAt] = values;
  if (status === null || status === undefined) return { state: 'gone' };
  if (status === 'pending') return { state: 'pending', deadlineAt: int(deadlineAt) ?? 0 };
  if ((FINAL_STATUSES as readonly string[]).includes(status)) return { state: 'final' };
  return { state: 'finalizing' };
}

/** XRANGE reply of a case's events -> {type, at, modality, detail}. Unknown types are kept; callers pick. */
export function parseEvents(entries: ReadonlyArray<[string, string[]]>): Array<{ type: string; at: number; modality?: string; detail?: string }> {
  return entries.map(([, flat]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]] = flat[i + 1];
    return { type: f['type'] ?? '', at: Number(f['at']), ...(f['modality'] ? { modality: f['modality'] } : {}), ...(f['detail'] ? { detail: f['detail'] } : {}) };
  });
}

/** The finalized case, or null when the hash is not final or is malformed (then it is left out, not guessed). */
export function finalizedCaseFrom(caseId: string, values: ReadonlyArray<string | null>, events: ReadonlyArray<[string, string[]]>): FinalizedCase | null {
  const [status, expected, submittedAt, deadlineAt, fencedAt, completedBy, finalizedAt] = values;
  if (!status || !(FINAL_STATUSES as readonly string[]).includes(status)) return null;
  const submitted = int(submittedAt);
  const deadline = int(deadlineAt);
  const finalized = int(finalizedAt) ?? int(fencedAt);
  if (submitted === null || deadline === null || finalized === null) return null;
  if (completedBy !== 'all-replied' && completedBy !== 'deadline') return null;
  const replies: Record<string, ModalityReply> = {};
  for (const event of parseEvents(events)) {
    // 'score' entries are written before the fence, 'late-score' after it; the first per modality counts.
    if (event.type !== 'score' || !event.modality || replies[event.modality] || !Number.isFinite(event.at)) continue;
    replies[event.modality] = { status: event.detail ?? 'unknown', at: event.at };
  }
  return {
    caseId,
    submittedAt: submitted,
    deadlineAt: deadline,
    finalizedAt: finalized,
    completedBy,
    status: status as FinalStatus,
    expected: (expected ?? '').split(',').filter(Boolean),
    replies,
  };
}

const CAUSES: readonly string[] = ['all-replied', 'deadline'];

/**
 * The finalized case from its finalized stream entry alone (XRANGE field/value list), or null when the entry
 * holds no summary (`caseId` only: written by an older aggregator) or a summary that does not parse; the
 * caller then reads the case as finalizedCaseFrom does. Same values as finalizedCaseFrom would give for the
 * case: the aggregator copies them from the hash and the `score` events when it stores the result.
 */
export function finalizedCaseFromEntry(flat: readonly string[]): FinalizedCase | null {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]] = flat[i + 1];
  const { caseId, status, completedBy, expected, replies } = f;
  if (!caseId || !status || !(FINAL_STATUSES as readonly string[]).includes(status)) return null;
  if (!completedBy || !CAUSES.includes(completedBy) || expected === undefined || replies === undefined) return null;
  const submitted = int(f['submittedAt']);
  const deadline = int(f['deadlineAt']);
  const finalized = int(f['finalizedAt']);
  if (submitted === null || deadline === null || finalized === null) return null;
  const byModality = parseReplies(replies);
  if (!byModality) return null;
  return {
    caseId,
    submittedAt: submitted,
    deadlineAt: deadline,
    finalizedAt: finalized,
    completedBy: completedBy as FinalizedCase['completedBy'],
    status: status as FinalStatus,
    expected: expected.split(',').filter(Boolean),
    replies: byModality,
  };
}

/** `imaging:ok:<ms>,vitals:failed:<ms>` -> replies (first per modality); null if any item is malformed. */
function parseReplies(raw: string): Record<string, ModalityReply> | null {
  const replies: Record<string, ModalityReply> = {};
  if (raw === '') return replies;
  for (const item of raw.split(',')) {
    const parts = item.split(':');
    const at = parts.length === 3 ? int(parts[2]) : null;
    if (at === null || !parts[0] || !parts[1]) return null;
    if (!replies[parts[0]]) replies[parts[0]] = { status: parts[1], at };
  }
  return replies;
}
