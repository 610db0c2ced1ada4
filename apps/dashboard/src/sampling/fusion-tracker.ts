/**
 * Finalized cases, found incrementally and never by scanning the keyspace.
 *
 * Discovery: the aggregator adds one entry to the finalized stream (`lf:finalized`, capped at ~50 000
 * entries) right after it stores a case's result, in the same round trip that takes the case out of the
 * deadlines index. This tracker tails that stream from its last entry id (XRANGE, a few thousand entries
 * per tick at most). The entry carries the case's summary (`FinalizedStreamEntry` in @lf/redis: times,
 * cause, status, expected modalities, replies), so a case is recorded from its entry alone, with no read of
 * the case: the HMGET + XRANGE per case below were this app's main per-case cost (CPU here and in Redis).
 *
 * Fallback (an entry with only `caseId`, from an aggregator older than the summary during a rolling update,
 * or a summary that does not parse): the case goes on a watch list, case id -> when to look. A look is one
 * HMGET of the case hash; once final, one XRANGE of its (capped, ~10 entries) event stream gives the
 * per-modality reply times. A named case is final already; the list only keeps retrying one that is not yet
 * readable (bounded, oldest dropped, counted).
 *
 * A case whose entry fell out of the capped stream before a tick read it (over ~50 000 results between two
 * ticks) is missed: that is counted as a gap (XINFO STREAM's entries-added grew by more than the entries read).
 * Pending and overdue cases come from the deadlines index, not from here.
 */
import type { Logger } from '@lf/observability';
import type { KeyBuilder, RedisConnection } from '@lf/redis';
import { TimedSamples } from '../stats/timed-samples';
import { CASE_FIELDS, caseState, finalizedCaseFrom, finalizedCaseFromEntry, type FinalizedCase } from './case-record';

const STREAM_BATCH = 5000;
const MAX_BATCHES_PER_TICK = 4;
const MINUTE = 60_000;

export interface FusionTrackerOptions {
  redis: RedisConnection;
  keys: KeyBuilder;
  /** The finalized stream (`keys.finalized()`): one entry per stored result (`FinalizedStreamEntry`). */
  finalizedKey: string;
  windowMs: number;
  sampleMs: number;
  logger: Logger;
  maxWatched?: number;
  maxChecksPerTick?: number;
  /** A case still not final this long after discovery is dropped from the watch list. */
  maxWatchMs?: number;
}

interface Watched {
  checkAt: number;
  since: number;
}

export interface FusionTracking {
  /** Cases named by a `caseId`-only entry, being watched until readable as final. */
  watched: number;
  /** Times the event stream had been trimmed past the tracker's position (cases possibly missed). */
  discoveryGaps: number;
  /** Cases dropped from the watch list (cap reached, or not final after maxWatchMs). */
  dropped: number;
  /** Cases whose keys expired or never existed when looked at. */
  gone: number;
}

export class FusionTracker {
  private cursor: string | undefined;
  /** The stream's `entries-added` when the cursor was its last entry (undefined: unknown). */
  private entriesAdded: number | undefined;
  private readonly watch = new Map<string, Watched>();
  /** Recently recorded case ids, so a late 'removed' event does not count a case twice. */
  private readonly recorded = new Map<string, number>();
  private readonly finalized: TimedSamples<FinalizedCase>;
  private readonly tracking: FusionTracking = { watched: 0, discoveryGaps: 0, dropped: 0, gone: 0 };

  constructor(private readonly options: FusionTrackerOptions) {
    this.finalized = new TimedSamples<FinalizedCase>(200_000);
  }

  get stats(): FusionTracking {
    return { ...this.tracking, watched: this.watch.size };
  }

  /** Cases finalized in [from, to] (fence time, Redis clock). */
  finalizedBetween(from: number, to = Infinity): FinalizedCase[] {
    return this.finalized.between(from, to);
  }

  finalizedCount(from: number): number {
    return this.finalized.count(from);
  }

  /** One tick: read new finalized entries, look at the cases that are due. `now` is Redis time (ms). */
  async sample(now: number): Promise<void> {
    await this.readEvents(now);
    await this.checkDue(now);
    this.finalized.prune(now - this.options.windowMs);
    const horizon = now - this.options.windowMs - MINUTE;
    for (const [id, at] of this.recorded) {
      if (at >= horizon) break;
      this.recorded.delete(id);
    }
  }

  private async readEvents(now: number): Promise<void> {
    const { redis, finalizedKey } = this.options;
    // First tick: look back one window, so the panel has data at once after a restart.
    const firstRead = this.cursor === undefined;
    let start = firstRead ? String(Math.max(0, now - this.options.windowMs)) : `(${this.cursor}`;
    let read = 0;
    let addedAtEnd: number | undefined;
    let reachedEnd = false;
    for (let batch = 0; batch < MAX_BATCHES_PER_TICK; batch++) {
      // XINFO and XRANGE in one MULTI: `entries-added` then counts exactly the entries up to what was read.
      const replies = (await redis.multi().xinfo('STREAM', finalizedKey).xrange(finalizedKey, start, '+', 'COUNT', STREAM_BATCH).exec()) ?? [];
      const [infoReply, rangeReply] = replies;
      if (rangeReply?.[0]) throw rangeReply[0];
      const entries = (rangeReply?.[1] ?? []) as Array<[string, string[]]>;
      for (const [id, flat] of entries) {
        this.cursor = id;
        this.onEvent(flat, now);
      }
      read += entries.length;
      if (entries.length < STREAM_BATCH) {
        reachedEnd = true;
        addedAtEnd = infoReply && !infoReply[0] ? entriesAdded(infoReply[1]) : undefined;
        break;
      }
      start = `(${this.cursor}`;
    }
    // More entries were added since the last complete read than this read found: the cap trimmed some first.
    if (!firstRead && reachedEnd && this.entriesAdded !== undefined && addedAtEnd !== undefined && addedAtEnd - this.entriesAdded > read) {
      this.tracking.discoveryGaps++;
      this.options.logger.warn('finalized stream trimmed past the dashboard position: some cases may be missing from the fusion panel', {
        finalizedKey,
        missed: addedAtEnd - this.entriesAdded - read,
      });
    }
    this.entriesAdded = reachedEnd ? addedAtEnd : undefined;
    if (this.cursor === undefined) this.cursor = `${Math.max(0, now - this.options.windowMs)}-0`;
  }

  private onEvent(flat: readonly string[], now: number): void {
    let caseId = '';
    for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === 'caseId') caseId = flat[i + 1];
    if (!caseId || this.recorded.has(caseId)) return;
    const record = finalizedCaseFromEntry(flat);
    if (record) {
      this.watch.delete(caseId);
      this.record(record, now);
      return;
    }
    // No summary (an older aggregator) or one that does not parse: read the case itself.
    this.enqueue(caseId, now);
  }

  private record(record: FinalizedCase, now: number): void {
    this.recorded.set(record.caseId, now);
    this.finalized.add(record.finalizedAt, record);
  }

  /** Look at the case on this tick. */
  private enqueue(caseId: string, now: number): void {
    const existing = this.watch.get(caseId);
    if (existing) {
      existing.checkAt = Math.min(existing.checkAt, now);
      return;
    }
    this.watch.set(caseId, { checkAt: now, since: now });
    const max = this.options.maxWatched ?? 100_000;
    while (this.watch.size > max) {
      this.watch.delete(this.watch.keys().next().value as string);
      this.tracking.dropped++;
    }
  }

  private async checkDue(now: number): Promise<void> {
    const { redis, keys, sampleMs } = this.options;
    const maxChecks = this.options.maxChecksPerTick ?? 5000;
    const maxWatchMs = this.options.maxWatchMs ?? 3600_000;
    const due: string[] = [];
    for (const [caseId, w] of this.watch) {
      if (now - w.since > maxWatchMs) {
        this.watch.delete(caseId);
        this.tracking.dropped++;
        continue;
      }
      if (w.checkAt <= now) due.push(caseId);
      if (due.length >= maxChecks) break;
    }
    if (due.length === 0) return;
    // One command per case, all in flight at once (each case hash has its own slot, so no MULTI/pipeline
    // across them on a Cluster; ioredis writes them back to back anyway).
    const states = await Promise.all(due.map((caseId) => redis.hmget(keys.case(caseId), ...CASE_FIELDS)));
    const finals: Array<{ caseId: string; values: Array<string | null> }> = [];
    due.forEach((caseId, i) => {
      const values = states[i];
      const state = caseState(values);
      const w = this.watch.get(caseId)!;
      switch (state.state) {
        case 'gone':
          this.watch.delete(caseId);
          this.tracking.gone++;
          return;
        case 'pending':
          w.checkAt = state.deadlineAt > now ? state.deadlineAt + 10 : now + sampleMs;
          return;
        case 'finalizing':
          w.checkAt = now + sampleMs;
          return;
        case 'final':
          finals.push({ caseId, values });
      }
    });
    const events = await Promise.all(finals.map(({ caseId }) => redis.xrange(keys.events(caseId), '-', '+', 'COUNT', 200)));
    finals.forEach(({ caseId, values }, i) => {
      this.watch.delete(caseId);
      const record = finalizedCaseFrom(caseId, values, events[i] as Array<[string, string[]]>);
      if (record) this.record(record, now);
    });
  }
}

/** `entries-added` from an XINFO STREAM reply (Redis 7+), or undefined. */
function entriesAdded(info: unknown): number | undefined {
  if (!Array.isArray(info)) return undefined;
  const i = info.indexOf('entries-added');
  const value = i >= 0 ? Number(info[i + 1]) : NaN;
  return Number.isFinite(value) ? value : undefined;
}

/** Stream ids compare as (ms, seq) pairs. */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am !== bm ? am - bm : (as ?? 0) - (bs ?? 0);
}
