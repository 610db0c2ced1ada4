/**
 * One queue's tile, sampled every tick with one pipeline (all of a queue's keys share its hash tag, so this
 * works on Redis Cluster too) plus one HMGET per newly finished job:
 * - counts: LLEN/ZCARD of BullMQ's wait, active, paused, delayed, prioritized, completed, failed sets;
 * - finished jobs, incrementally: the completed and failed ZSETs are scored by finishedOn, so each tick
 *   reads only the members scored at or after the previous tick's cursor (ZRANGEBYSCORE ... LIMIT), never
 *   the whole set. Their times feed sliding windows: completed/failed per minute, and wait/processing
 *   p50/p95 over the jobs completed in the last LF_DASHBOARD_WINDOW_SECONDS;
 * - the oldest waiting job: the tail of the wait list (BullMQ pushes new jobs at the head).
 * Retention (removeOnComplete: 1000 jobs / 1 h) bounds what can be seen: if more than that completed
 * between two ticks (the newest job seen last tick is gone), some were removed unseen and the tile says
 * the sample is truncated (rates are then lower bounds).
 */
import { QueueKeys } from 'bullmq';
import type { RedisConnection } from '@lf/redis';
import type { WatchedQueue } from '../config/dashboard.config';
import { distribution, type Distribution } from '../stats/percentiles';
import { TimedSamples } from '../stats/timed-samples';
import { countWorkers, workerClientName, type ClientInfo } from './client-list';
import { finishedJobFrom, JOB_TIME_FIELDS, readyAt, type FinishedJob } from './finished-job';

const BATCH = 2000;
const MINUTE = 60_000;

export interface QueueCounts {
  /** Ready to run: wait + paused + prioritized. */
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  prioritized: number;
  paused: number;
  waitingChildren: number;
}

export interface QueueSample {
  name: string;
  kind: WatchedQueue['kind'];
  enabled: boolean;
  counts: QueueCounts;
  completedPerMinute: number;
  failedPerMinute: number;
  /** Modality queues: scores recorded after their case was finalized, in the last minute / window. */
  lateScoresPerMinute: number | null;
  lateScoresInWindow: number | null;
  waitMs: Distribution | null;
  processingMs: Distribution | null;
  /** Which jobs the percentiles are over. */
  sample: { jobs: number; windowSeconds: number; truncated: boolean };
  /** null when CLIENT LIST is refused. */
  workers: number | null;
  oldestWaitingSeconds: number | null;
}

interface Cursor {
  score: number;
  /** Members already counted at exactly `score` (ZRANGEBYSCORE is inclusive). */
  ids: Set<string>;
}

export class QueueTracker {
  readonly keys: Record<string, string>;
  readonly clientName: string;
  private readonly keyBuilder: QueueKeys;
  private readonly completed: TimedSamples<FinishedJob>;
  private readonly failed = new TimedSamples<string>(200_000);
  private completedCursor: Cursor | undefined;
  private failedCursor: Cursor | undefined;
  private truncatedAt = -Infinity;

  constructor(
    readonly queue: WatchedQueue,
    prefix: string,
    private readonly redis: RedisConnection,
    private readonly windowMs: number,
  ) {
    this.keyBuilder = new QueueKeys(prefix);
    this.keys = this.keyBuilder.getKeys(queue.name);
    this.clientName = workerClientName(prefix, queue.name);
    this.completed = new TimedSamples<FinishedJob>(200_000);
  }

  jobKey(id: string): string {
    return this.keyBuilder.toKey(this.queue.name, id);
  }

  /** `now`: Redis time (ms). `clients`: this tick's CLIENT LIST (null if refused). */
  async sample(now: number, clients: readonly ClientInfo[] | null): Promise<QueueSample> {
    const k = this.keys;
    // First tick: look back one window, so the tile has rates and percentiles at once after a restart.
    const completedFrom = this.completedCursor ?? { score: now - this.windowMs, ids: new Set<string>() };
    const failedFrom = this.failedCursor ?? { score: now - this.windowMs, ids: new Set<string>() };
    const replies = await exec(
      this.redis
        .pipeline()
        .llen(k['wait'])
        .llen(k['active'])
        .llen(k['paused'])
        .zcard(k['delayed'])
        .zcard(k['prioritized'])
        .zcard(k['completed'])
        .zcard(k['failed'])
        .zcard(k['waiting-children'])
        .lindex(k['wait'], -1)
        .zrangebyscore(k['completed'], completedFrom.score, '+inf', 'WITHSCORES', 'LIMIT', 0, BATCH)
        .zrangebyscore(k['failed'], failedFrom.score, '+inf', 'WITHSCORES', 'LIMIT', 0, BATCH)
        // Is the newest completion seen last tick still retained? If not, retention removed it: more jobs
        // completed since than removeOnComplete keeps, so some of them were removed unseen.
        .zscore(k['completed'], this.completedCursor?.ids.values().next().value ?? ''),
    );
    const [wait, active, paused, delayed, prioritized, completedCount, failedCount, waitingChildren] = replies.slice(0, 8).map(Number);
    const oldestWaitingId = replies[8] as string | null;
    const newCompleted = newMembers(replies[9] as string[], completedFrom);
    const newFailed = newMembers(replies[10] as string[], failedFrom);
    const cursorStillRetained = replies[11] !== null;

    // Completions removed by retention before this tick could see them: the window undercounts. (A cursor
    // older than 10 minutes may simply have aged out: removeOnComplete also has an age.)
    if (this.completedCursor && this.completedCursor.ids.size > 0 && !cursorStillRetained && now - this.completedCursor.score < 600_000) {
      this.truncatedAt = now;
    }
    this.completedCursor = newCompleted.cursor;
    this.failedCursor = newFailed.cursor;

    const withReturnValue = this.queue.kind === 'modality';
    const fields = withReturnValue ? [...JOB_TIME_FIELDS, 'returnvalue'] : [...JOB_TIME_FIELDS];
    const reads = this.redis.pipeline();
    for (const id of newCompleted.members) reads.hmget(this.jobKey(id), ...fields);
    if (oldestWaitingId) reads.hmget(this.jobKey(oldestWaitingId), 'timestamp', 'opts');
    const jobReplies = newCompleted.members.length > 0 || oldestWaitingId ? await exec(reads) : [];
    newCompleted.members.forEach((id, i) => {
      const job = finishedJobFrom(id, jobReplies[i] as Array<string | null>, withReturnValue);
      if (job) this.completed.add(job.finishedOn, job);
    });
    for (const [id, score] of newFailed.scored) this.failed.add(score, id);

    let oldestWaitingSeconds: number | null = null;
    if (oldestWaitingId) {
      const [timestamp, opts] = jobReplies[newCompleted.members.length] as Array<string | null>;
      const ready = readyAt({ timestamp, opts });
      if (ready !== null) oldestWaitingSeconds = Math.max(0, now - ready) / 1000;
    }

    this.completed.prune(now - this.windowMs);
    this.failed.prune(now - this.windowMs);
    const recent = this.completed.between(now - this.windowMs);
    const lastMinute = this.completed.between(now - MINUTE);
    return {
      name: this.queue.name,
      kind: this.queue.kind,
      enabled: this.queue.enabled,
      counts: {
        waiting: wait + paused + prioritized,
        active,
        delayed,
        failed: failedCount,
        completed: completedCount,
        prioritized,
        paused,
        waitingChildren,
      },
      completedPerMinute: lastMinute.length,
      failedPerMinute: this.failed.count(now - MINUTE),
      lateScoresPerMinute: withReturnValue ? lastMinute.filter((j) => j.late).length : null,
      lateScoresInWindow: withReturnValue ? recent.filter((j) => j.late).length : null,
      waitMs: distribution(recent.flatMap((j) => (j.waitMs === null ? [] : [j.waitMs]))),
      processingMs: distribution(recent.flatMap((j) => (j.processingMs === null ? [] : [j.processingMs]))),
      sample: { jobs: recent.length, windowSeconds: this.windowMs / 1000, truncated: now - this.truncatedAt < this.windowMs },
      workers: clients === null ? null : countWorkers(clients, this.clientName),
      oldestWaitingSeconds,
    };
  }
}

/** ZRANGEBYSCORE ... WITHSCORES reply minus members already seen at the cursor's score, and the next cursor. */
export function newMembers(flat: readonly string[], from: Cursor): { members: string[]; scored: Array<[string, number]>; cursor: Cursor } {
  const scored: Array<[string, number]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const id = flat[i];
    const score = Number(flat[i + 1]);
    if (score === from.score && from.ids.has(id)) continue;
    scored.push([id, score]);
  }
  if (scored.length === 0) return { members: [], scored, cursor: from };
  const top = scored[scored.length - 1][1];
  const ids = new Set(top === from.score ? from.ids : []);
  for (const [id, score] of scored) if (score === top) ids.add(id);
  return { members: scored.map(([id]) => id), scored, cursor: { score: top, ids } };
}

/** Pipeline replies, throwing the first command error. */
export async function exec(pipeline: ReturnType<RedisConnection['pipeline']>): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
