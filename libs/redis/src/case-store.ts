/**
 * The case lifecycle in Redis (DESIGN.md 3). Each state change that must be atomic is one Lua script
 * over the keys of one case (one hash tag, so one Cluster slot) using Redis TIME as the only clock:
 * register -> record scores -> finalize fence (admits exactly one finalizer) -> store result (idempotent).
 * The global deadlines ZSET is in another slot, so it is updated by separate, idempotent commands
 * around the scripts; the sweeper treats it as a safety net, never as the source of truth.
 */
import {
  FUSION_STRATEGIES,
  MODALITY_NAME_PATTERN,
  type FinalizeCause,
  type FusionStrategyName,
  type ScoreRecord,
} from '@lf/contracts';
import type {
  CaseEvent,
  CaseRegistration,
  CaseSnapshot,
  CaseStatus,
  CaseView,
  DeadlineScan,
  FenceOutcome,
  FinalCaseStatus,
  FinalizedStreamEntry,
  RecordScoreOutcome,
  RegisteredCase,
  StoredResult,
  WebhookEventOutcome,
} from './case-store.types';
import { CaseStateError } from './errors/case-state.error';
import { CorruptCaseDataError } from './errors/corrupt-case-data.error';
import { createKeyBuilder, type KeyBuilder } from './keys';
import { execPipelineThenLuaScript, runLuaScript } from './lua/lua-script';
import { luaScripts } from './lua/scripts.generated';
import type { RedisConnection } from './redis-connection';

export interface CaseStoreOptions {
  /** Approximate cap on each case's event stream (XADD MAXLEN ~). Default 100. */
  eventsMaxLen?: number;
}

const CAUSES: readonly FinalizeCause[] = ['all-replied', 'deadline'];
const SCORE_STATUSES: readonly string[] = ['ok', 'failed', 'invalid'];
const FINAL_STATUSES: readonly string[] = ['complete', 'degraded', 'failed'];
const CASE_STATUSES: readonly string[] = ['pending', 'finalizing', ...FINAL_STATUSES];
/**
 * Entries kept in the finalized stream (`FinalizedStreamEntry`): the dashboard reads it every few seconds, so
 * this covers minutes of results even at several hundred cases/s, in ~12 MB with three modalities (~2.6 MB
 * when entries held only `caseId`; a stream node stores the field names once, so an entry costs its values).
 */
export const FINALIZED_STREAM_MAX_LEN = 50_000;
const RECORD_OUTCOMES: readonly string[] = ['recorded', 'all-replied', 'late', 'duplicate', 'unknown-case', 'unexpected-modality'];
/** A Redis stream entry id (`<ms>-<seq>`). */
export const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
const EVENT_TYPES: readonly string[] = ['submitted', 'score', 'finalized', 'late-score', 'result-stored', 'webhook-delivered', 'webhook-failed'];
const WEBHOOK_EVENT_OUTCOMES: readonly string[] = ['webhook-delivered', 'webhook-failed'];

export class CaseStore {
  private readonly eventsMaxLen: number;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: KeyBuilder = createKeyBuilder(),
    options: CaseStoreOptions = {},
  ) {
    this.eventsMaxLen = options.eventsMaxLen ?? 100;
    if (!Number.isInteger(this.eventsMaxLen) || this.eventsMaxLen < 1) throw new Error('eventsMaxLen must be a positive integer');
  }

  /**
   * Stores the blobs, creates the case and its event stream (nothing of the case is overwritten if the id
   * exists), then puts it in the deadlines index. Enqueue the modality jobs only after this resolves.
   */
  async register(reg: CaseRegistration): Promise<RegisteredCase> {
    validateRegistration(reg);
    const { caseId } = reg;
    const ttlMs = reg.ttlSeconds * 1000;
    // Blobs first, as plain SETs written on the connection just before the script (same connection, so
    // Redis runs them first: they land before the case exists and before any job can ask for them; the
    // replies come back together, one round trip), not as script arguments: see registerCase-2.lua. Not in
    // the script's pipeline: ioredis builds a pipeline's write by concatenating every command into one
    // Buffer, two more copies of a 130 kB slice per case (isolated, 4000 registrations: 285-311 -> 170-175 us
    // of CPU each, GC events 84-95 -> 34-38). NX: a repeated registration overwrites nothing, as for the case.
    const blobWrites = Object.keys(reg.blobs).map((m) => this.redis.set(this.keys.blob(caseId, m), reg.blobs[m], 'PX', ttlMs, 'NX'));
    const pipeline = this.redis.pipeline();
    const scriptReply = execPipelineThenLuaScript(
      this.redis,
      pipeline,
      luaScripts.registerCase,
      [this.keys.case(caseId), this.keys.events(caseId)],
      [reg.tenant, reg.expected.join(','), reg.strategy, reg.deadlineMs, ttlMs, reg.traceId, this.eventsMaxLen, reg.subject ?? '', reg.basis?.length ? JSON.stringify(reg.basis) : ''],
    );
    const [reply] = await Promise.all([scriptReply, ...blobWrites]);
    const [created, submittedAt, deadlineAt, status] = expectTuple(reply, 4, 'registerCase') as [number, number, number, string];
    // Also on a repeated registration of a pending case: the first attempt may have died before this ZADD.
    if (status === 'pending') await this.redis.zadd(this.keys.deadlines(), deadlineAt, caseId);
    return { caseId, submittedAt: Number(submittedAt), deadlineAt: Number(deadlineAt), created: created === 1 };
  }

  /** A claim-checked input, or null when it expired or never existed. */
  readBlob(blobKey: string): Promise<Buffer | null> {
    return this.redis.getBuffer(blobKey);
  }

  async recordScore(caseId: string, record: ScoreRecord): Promise<RecordScoreOutcome> {
    if (!MODALITY_NAME_PATTERN.test(record.modality)) throw new Error(`recordScore: invalid modality name '${record.modality}'`);
    if (!SCORE_STATUSES.includes(record.status)) throw new Error(`recordScore: invalid score status '${record.status}'`);
    const reply = await runLuaScript(
      this.redis,
      luaScripts.recordScore,
      [this.keys.case(caseId), this.keys.scores(caseId), this.keys.late(caseId), this.keys.events(caseId)],
      [record.modality, JSON.stringify(record), record.status, this.eventsMaxLen],
    );
    if (typeof reply !== 'string' || !RECORD_OUTCOMES.includes(reply)) throw new Error(`recordScore: unexpected script reply ${JSON.stringify(reply)}`);
    return reply as RecordScoreOutcome;
  }

  /**
   * The finalize fence: `admitted` is true for exactly one call per case, whatever the concurrency.
   * Only the admitted caller (or one redoing a finalization, see `FenceOutcome.resultStored`) fuses.
   */
  async finalize(caseId: string, cause: FinalizeCause): Promise<FenceOutcome> {
    if (!CAUSES.includes(cause)) throw new Error(`finalize: cause must be 'all-replied' or 'deadline', got '${cause}'`);
    const reply = await runLuaScript(
      this.redis,
      luaScripts.finalizeFence,
      [this.keys.case(caseId), this.keys.scores(caseId), this.keys.result(caseId), this.keys.events(caseId)],
      [cause, this.eventsMaxLen],
    );
    const [admitted, reason, now, caseFlat, scoresFlat, resultStored] = expectTuple(reply, 6, 'finalizeFence') as [
      number,
      string,
      number,
      string[],
      string[],
      number,
    ];
    if (reason === 'unknown-case') return { admitted: false, reason, now };
    const fields = pairs(caseFlat);
    const deadlineAt = this.int(caseId, fields, 'deadlineAt');
    if (reason === 'not-due') return { admitted: false, reason, now, deadlineAt };
    const snapshot = this.snapshot(caseId, fields, pairs(scoresFlat));
    if (reason === 'admitted' && admitted === 1) return { admitted: true, now, deadlineAt, snapshot };
    if (reason === 'already-finalized') return { admitted: false, reason, now, deadlineAt, snapshot, resultStored: resultStored === 1 };
    throw new Error(`finalizeFence: unexpected reply (${admitted}, ${reason})`);
  }

  /**
   * Stores the fused result of a fenced case; true if stored by this call, false if a result was already
   * there (a redone finalization). Then drops the case from the deadlines index either way.
   */
  /**
   * `options.clearDeadline` (default true): the case leaves the deadlines index in the same round trip; a
   * caller with more to do first (the aggregator's sweeper: webhooks) clears it itself afterwards.
   *
   * `inputs`, once the result is stored (in that round trip):
   * - `replied`: modalities whose reply is in the frozen score set. Their inputs are deleted at once: no job
   *   needs them any more (a redelivered job would find its score recorded already), and a case's image
   *   held for a grace period was most of Redis' memory and page faults at 100 cases/s (~130 kB each).
   * - `missing`: the others. Their TTL is shortened to `graceMs` (never lengthened), so a worker that is
   *   merely late still finds its input and publishes a real (late) score, while PHI is kept no longer.
   */
  async storeResult(
    caseId: string,
    stored: StoredResult,
    inputs?: { replied: readonly string[]; missing: readonly string[]; graceMs: number },
    options: { clearDeadline: boolean } = { clearDeadline: true },
  ): Promise<boolean> {
    if (!FINAL_STATUSES.includes(stored.status)) throw new Error(`storeResult: invalid final status '${stored.status}'`);
    const reply = await runLuaScript(
      this.redis,
      luaScripts.storeResult,
      [this.keys.case(caseId), this.keys.result(caseId), this.keys.events(caseId)],
      [JSON.stringify(stored), stored.status, this.eventsMaxLen],
    );
    if (reply === -1) throw new CaseStateError(caseId, 'unknown-case', `storeResult: case ${caseId} does not exist (expired?)`);
    if (reply === -2) throw new CaseStateError(caseId, 'not-fenced', `storeResult: case ${caseId} has not passed the finalize fence`);
    const storedNow = Array.isArray(reply) && reply.length === 7 && reply[0] === 1;
    if (reply !== 0 && !storedNow) throw new Error(`storeResult: unexpected script reply ${JSON.stringify(reply)}`);
    // The deadline index, the finalized stream and the blobs are in other Cluster slots than the case: not
    // in the script. A crash before this pipeline is repaired by the sweeper (deadline), by the blobs' own
    // TTL, and costs the dashboard one case it does not see.
    const pipeline = this.redis.pipeline();
    if (options.clearDeadline) pipeline.zrem(this.keys.deadlines(), caseId);
    if (storedNow) {
      pipeline.xadd(this.keys.finalized(), 'MAXLEN', '~', FINALIZED_STREAM_MAX_LEN, '*', ...finalizedEntry(caseId, stored.status, reply.slice(1)));
      if (inputs) {
        if (inputs.replied.length > 0) pipeline.unlink(...inputs.replied.map((m) => this.keys.blob(caseId, m)));
        for (const modality of inputs.missing) pipeline.call('PEXPIRE', this.keys.blob(caseId, modality), Math.max(1, Math.round(inputs.graceMs)), 'LT');
      }
    }
    for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
    return storedNow;
  }

  /** Everything known about a case (one MULTI: a consistent view), or null if it does not exist. */
  async get(caseId: string): Promise<CaseView | null> {
    const keys = { case: this.keys.case(caseId), scores: this.keys.scores(caseId), late: this.keys.late(caseId), result: this.keys.result(caseId) };
    const replies = await this.redis.multi().hgetall(keys.case).hgetall(keys.scores).hgetall(keys.late).get(keys.result).exec();
    if (replies === null) throw new Error(`get: transaction for case ${caseId} was aborted`);
    const values = replies.map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const [fields, scores, late, result] = values as [Record<string, string>, Record<string, string>, Record<string, string>, string | null];
    if (Object.keys(fields).length === 0) return null;

    const status = this.str(caseId, fields, 'status');
    if (!CASE_STATUSES.includes(status)) throw new CorruptCaseDataError(caseId, `${keys.case}#status`, `unknown status '${status}'`);
    const view: CaseView = {
      caseId,
      tenant: this.str(caseId, fields, 'tenant'),
      status: status as CaseStatus,
      expected: this.expected(caseId, fields),
      strategy: this.strategy(caseId, fields),
      submittedAt: this.int(caseId, fields, 'submittedAt'),
      deadlineAt: this.int(caseId, fields, 'deadlineAt'),
      scores: this.scoreRecords(caseId, keys.scores, scores),
      late: this.scoreRecords(caseId, keys.late, late),
    };
    if (fields['finalizedAt'] !== undefined) view.finalizedAt = this.int(caseId, fields, 'finalizedAt');
    if (fields['completedBy'] !== undefined) view.completedBy = this.cause(caseId, fields);
    if (result !== null) view.result = this.storedResult(caseId, keys.result, result);
    if (fields['subject'] !== undefined) view.subject = fields['subject'];
    if (fields['basis'] !== undefined) view.basis = this.basis(caseId, keys.case, fields['basis']);
    return view;
  }

  /** The case's audit trail, oldest first (capped at about `eventsMaxLen`). */
  async events(caseId: string): Promise<CaseEvent[]> {
    return this.eventsSince(caseId);
  }

  /**
   * The case's events after the stream id `afterId` (exclusive; from the start when omitted), oldest first,
   * at most `count`: what an SSE stream resuming from `Last-Event-ID` replays.
   */
  async eventsSince(caseId: string, afterId?: string, count?: number): Promise<CaseEvent[]> {
    if (afterId !== undefined && !STREAM_ID.test(afterId)) throw new Error(`eventsSince: '${afterId}' is not a stream id`);
    const key = this.keys.events(caseId);
    const start = afterId === undefined ? '-' : `(${afterId}`;
    const entries = count === undefined ? await this.redis.xrange(key, start, '+') : await this.redis.xrange(key, start, '+', 'COUNT', count);
    return entries.map(([id, flat]) => {
      const f = pairs(flat);
      const type = f['type'];
      const at = Number(f['at']);
      if (!EVENT_TYPES.includes(type) || !Number.isFinite(at)) {
        throw new CorruptCaseDataError(caseId, `${key}#${id}`, `bad event type '${type}' or time '${f['at']}'`);
      }
      const event: CaseEvent = { id, type: type as CaseEvent['type'], at };
      if (f['modality'] !== undefined) event.modality = f['modality'];
      if (f['detail'] !== undefined) event.detail = f['detail'];
      if (f['webhookId'] !== undefined) event.webhookId = f['webhookId'];
      return event;
    });
  }

  /**
   * Records a webhook delivery outcome in the case's event stream (audit trail). false, and nothing written,
   * when the case no longer exists (expired): a stream without its case would never expire.
   */
  async appendWebhookEvent(caseId: string, event: { type: WebhookEventOutcome; webhookId: string; detail: string }): Promise<boolean> {
    if (!WEBHOOK_EVENT_OUTCOMES.includes(event.type)) throw new Error(`appendWebhookEvent: invalid event type '${event.type}'`);
    const reply = await runLuaScript(
      this.redis,
      luaScripts.appendCaseEvent,
      [this.keys.case(caseId), this.keys.events(caseId)],
      [event.type, this.eventsMaxLen, 'webhookId', event.webhookId, 'detail', event.detail],
    );
    if (reply !== 0 && reply !== 1) throw new Error(`appendCaseEvent: unexpected script reply ${JSON.stringify(reply)}`);
    return reply === 1;
  }

  /** Case ids whose deadline has passed by the Redis clock, earliest first: the sweeper's work list. */
  async dueDeadlines(limit = 100): Promise<string[]> {
    return (await this.scanDeadlines(limit)).due;
  }

  /**
   * The deadlines index in one round trip (scanDeadlines-1.lua): the Redis time, up to `limit` due case ids
   * (earliest first) and the earliest deadline still ahead (null when none is pending).
   */
  async scanDeadlines(limit = 100): Promise<DeadlineScan> {
    const reply = await runLuaScript(this.redis, luaScripts.scanDeadlines, [this.keys.deadlines()], [limit]);
    const [now, due, nextDeadlineAt] = expectTuple(reply, 3, 'scanDeadlines') as [number, string[], number];
    if (!Array.isArray(due)) throw new Error(`scanDeadlines: unexpected script reply ${JSON.stringify(reply)}`);
    return { now: Number(now), due, nextDeadlineAt: nextDeadlineAt === -1 ? null : Number(nextDeadlineAt) };
  }

  async clearDeadline(caseId: string): Promise<void> {
    await this.redis.zrem(this.keys.deadlines(), caseId);
  }

  /** Redis TIME in epoch ms: the clock every deadline and timestamp of this store uses. */
  async now(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  private snapshot(caseId: string, fields: Record<string, string>, scores: Record<string, string>): CaseSnapshot {
    return {
      caseId,
      tenant: this.str(caseId, fields, 'tenant'),
      expected: this.expected(caseId, fields),
      strategy: this.strategy(caseId, fields),
      submittedAt: this.int(caseId, fields, 'submittedAt'),
      deadlineAt: this.int(caseId, fields, 'deadlineAt'),
      finalizedAt: this.int(caseId, fields, 'fencedAt'),
      completedBy: this.cause(caseId, fields),
      scores: this.scoreRecords(caseId, this.keys.scores(caseId), scores),
      traceId: this.str(caseId, fields, 'traceId'),
    };
  }

  private basis(caseId: string, key: string, raw: string): string[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new CorruptCaseDataError(caseId, `${key}#basis`, 'not JSON');
    }
    if (!Array.isArray(parsed) || !parsed.every((r) => typeof r === 'string')) throw new CorruptCaseDataError(caseId, `${key}#basis`, 'not an array of references');
    return parsed;
  }

  private str(caseId: string, fields: Record<string, string>, field: string): string {
    const value = fields[field];
    if (value === undefined) throw new CorruptCaseDataError(caseId, `${this.keys.case(caseId)}#${field}`, 'field is missing');
    return value;
  }

  private int(caseId: string, fields: Record<string, string>, field: string): number {
    const raw = this.str(caseId, fields, field);
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
      throw new CorruptCaseDataError(caseId, `${this.keys.case(caseId)}#${field}`, `expected an integer, got '${raw}'`);
    }
    return value;
  }

  private expected(caseId: string, fields: Record<string, string>): string[] {
    return this.str(caseId, fields, 'expected').split(',').filter(Boolean);
  }

  private strategy(caseId: string, fields: Record<string, string>): FusionStrategyName {
    const value = this.str(caseId, fields, 'strategy');
    if (!(FUSION_STRATEGIES as readonly string[]).includes(value)) {
      throw new CorruptCaseDataError(caseId, `${this.keys.case(caseId)}#strategy`, `unknown strategy '${value}'`);
    }
    return value as FusionStrategyName;
  }

  private cause(caseId: string, fields: Record<string, string>): FinalizeCause {
    const value = this.str(caseId, fields, 'completedBy');
    if (!(CAUSES as readonly string[]).includes(value)) {
      throw new CorruptCaseDataError(caseId, `${this.keys.case(caseId)}#completedBy`, `unknown cause '${value}'`);
    }
    return value as FinalizeCause;
  }

  private scoreRecords(caseId: string, key: string, hash: Record<string, string>): Record<string, ScoreRecord> {
    const out: Record<string, ScoreRecord> = {};
    for (const [modality, raw] of Object.entries(hash)) {
      const location = `${key}#${modality}`;
      const record = parseJson(caseId, location, raw) as Partial<ScoreRecord> | null;
      if (typeof record !== 'object' || record === null || record.modality !== modality || !SCORE_STATUSES.includes(String(record.status))) {
        throw new CorruptCaseDataError(caseId, location, `not a score record for '${modality}'`);
      }
      out[modality] = record as ScoreRecord;
    }
    return out;
  }

  private storedResult(caseId: string, key: string, raw: string): StoredResult {
    const value = parseJson(caseId, key, raw) as Partial<StoredResult> | null;
    if (typeof value !== 'object' || value === null || typeof value.fused !== 'object' || !FINAL_STATUSES.includes(String(value.status))) {
      throw new CorruptCaseDataError(caseId, key, 'not a stored result ({fused, status})');
    }
    return value as StoredResult;
  }
}

function validateRegistration(reg: CaseRegistration): void {
  const fail = (why: string): never => {
    throw new Error(`register(${reg.caseId}): ${why}`);
  };
  if (typeof reg.tenant !== 'string' || reg.tenant === '') fail('tenant is required');
  if (reg.expected.length === 0) fail('expected needs at least one modality');
  for (const m of reg.expected) if (!MODALITY_NAME_PATTERN.test(m)) fail(`invalid modality name '${m}'`);
  if (new Set(reg.expected).size !== reg.expected.length) fail(`expected lists a modality twice: ${reg.expected.join(',')}`);
  for (const [m, blob] of Object.entries(reg.blobs)) {
    if (!reg.expected.includes(m)) fail(`blob for '${m}', which is not expected`);
    if (!Buffer.isBuffer(blob)) fail(`blob for '${m}' must be a Buffer`);
  }
  if (!(FUSION_STRATEGIES as readonly string[]).includes(reg.strategy)) fail(`unknown strategy '${reg.strategy}'`);
  if (!Number.isInteger(reg.deadlineMs) || reg.deadlineMs < 1) fail('deadlineMs must be a positive integer');
  if (!Number.isInteger(reg.ttlSeconds) || reg.ttlSeconds < 1) fail('ttlSeconds must be a positive integer');
  if (reg.ttlSeconds * 1000 <= reg.deadlineMs) fail(`ttlSeconds (${reg.ttlSeconds}) must exceed the deadline (${reg.deadlineMs} ms), or the case expires unfinalized`);
}

function parseJson(caseId: string, location: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new CorruptCaseDataError(caseId, location, `invalid JSON (${(err as Error).message})`);
  }
}

/**
 * The finalized stream entry's field/value list (`FinalizedStreamEntry`), from storeResult's reply after its 1:
 * the case hash's submittedAt, deadlineAt, fencedAt, completedBy, expected, then the replies string. Only
 * `caseId` when a hash field is missing (a corrupt case): the reader then looks at the case itself.
 */
function finalizedEntry(caseId: string, status: FinalCaseStatus, summary: readonly unknown[]): string[] {
  if (!summary.every((v): v is string => typeof v === 'string')) return ['caseId', caseId];
  const [submittedAt, deadlineAt, finalizedAt, completedBy, expected, replies] = summary;
  const entry: Required<FinalizedStreamEntry> = { caseId, status, completedBy, submittedAt, deadlineAt, finalizedAt, expected, replies };
  return Object.entries(entry).flat();
}

/** [k1, v1, k2, v2, ...] -> {k1: v1, ...} (HGETALL and XRANGE replies inside scripts/streams). */
function pairs(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

function expectTuple(reply: unknown, length: number, script: string): unknown[] {
  if (!Array.isArray(reply) || reply.length !== length) throw new Error(`${script}: unexpected script reply ${JSON.stringify(reply)}`);
  return reply;
}
