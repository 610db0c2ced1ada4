/**
 * The read-only job drill-down (instead of bull-board, see README): list one queue's jobs in one state,
 * newest first, with id, name, attempts, timestamps and failedReason. Job hashes are read with HMGET of
 * exactly those fields, so a job's `data` (and its return value and stack trace) never leaves Redis; and
 * there is no code path here that writes: no retry, promote, clean or remove.
 */
import { QueueKeys } from 'bullmq';
import type { KeyBuilder, RedisConnection } from '@lf/redis';
import type { WatchedQueue } from '../config/dashboard.config';
import { exec } from '../sampling/queue-tracker';
import { initialDelayMs } from '../sampling/finished-job';

/** BullMQ states and where each lives (lists: newest at the head; sorted sets: newest = highest score). */
export const JOB_STATES = {
  waiting: { key: 'wait', type: 'list' },
  active: { key: 'active', type: 'list' },
  paused: { key: 'paused', type: 'list' },
  delayed: { key: 'delayed', type: 'zset' },
  prioritized: { key: 'prioritized', type: 'zset' },
  completed: { key: 'completed', type: 'zset' },
  failed: { key: 'failed', type: 'zset' },
  'waiting-children': { key: 'waiting-children', type: 'zset' },
} as const;
export type JobState = keyof typeof JOB_STATES;

const FIELDS = ['name', 'timestamp', 'opts', 'processedOn', 'finishedOn', 'atm', 'ats', 'failedReason'] as const;
/** failedReason is an Error message (no input values by the logging rules); still, only its start is shown. */
export const MAX_FAILED_REASON = 300;
export const MAX_PAGE = 100;

export interface JobRow {
  id: string;
  name: string | null;
  state: JobState;
  /** Attempts made (finished) and started. */
  attemptsMade: number;
  attemptsStarted: number;
  /** Epoch ms (the producer's / worker's clock, as BullMQ stamps them). */
  createdAt: number | null;
  /** The delay the job was created with, ms (a case's deadline trigger carries its deadline budget here). */
  delayMs: number;
  processedAt: number | null;
  finishedAt: number | null;
  failedReason: string | null;
}

export interface JobPage {
  queue: string;
  state: JobState;
  total: number;
  start: number;
  jobs: JobRow[];
}

const int = (raw: string | null | undefined): number | null => (raw === null || raw === undefined || raw === '' || !Number.isFinite(Number(raw)) ? null : Number(raw));

export class JobReader {
  private readonly byName: Map<string, { queue: WatchedQueue; keys: QueueKeys; prefix: string }>;

  constructor(
    private readonly redis: RedisConnection,
    keys: KeyBuilder,
    queues: readonly WatchedQueue[],
  ) {
    this.byName = new Map(queues.map((q) => [q.name, { queue: q, keys: new QueueKeys(keys.queuePrefix(q.name)), prefix: keys.queuePrefix(q.name) }]));
  }

  get queueNames(): string[] {
    return [...this.byName.keys()];
  }

  hasQueue(name: string): boolean {
    return this.byName.has(name);
  }

  async list(queueName: string, state: JobState, start: number, count: number): Promise<JobPage> {
    const entry = this.byName.get(queueName);
    if (!entry) throw new Error(`unknown queue '${queueName}'`);
    const where = JOB_STATES[state];
    const key = entry.keys.toKey(queueName, where.key);
    const end = start + Math.min(count, MAX_PAGE) - 1;
    const pipeline = this.redis.pipeline();
    if (where.type === 'list') pipeline.llen(key).lrange(key, start, end);
    else pipeline.zcard(key).zrevrange(key, start, end);
    const [total, ids] = (await exec(pipeline)) as [number, string[]];
    const reads = this.redis.pipeline();
    for (const id of ids) reads.hmget(entry.keys.toKey(queueName, id), ...FIELDS);
    const rows = ids.length > 0 ? ((await exec(reads)) as Array<Array<string | null>>) : [];
    return {
      queue: queueName,
      state,
      total: Number(total),
      start,
      jobs: ids.flatMap((id, i) => {
        const [name, timestamp, opts, processedOn, finishedOn, atm, ats, failedReason] = rows[i];
        if (name === null && timestamp === null) return []; // removed between the two reads
        return [
          {
            id,
            name,
            state,
            attemptsMade: int(atm) ?? 0,
            attemptsStarted: int(ats) ?? 0,
            createdAt: int(timestamp),
            delayMs: initialDelayMs(opts),
            processedAt: int(processedOn),
            finishedAt: int(finishedOn),
            failedReason: failedReason ? failedReason.slice(0, MAX_FAILED_REASON) : null,
          },
        ];
      }),
    };
  }
}
