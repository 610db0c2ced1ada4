import type { Logger } from '@lf/observability';
import type { RedisConnection } from '@lf/redis';
import type { AccessMetrics } from '../auth/access-metrics';

/**
 * Load shedding for submissions. When any modality queue's oldest waiting job has waited longer than
 * LF_BACKPRESSURE_MAX_QUEUE_WAIT_MS, or a queue holds more waiting work than LF_BACKPRESSURE_MAX_BACKLOG, or
 * Redis memory passes LF_BACKPRESSURE_MAX_MEMORY_RATIO of maxmemory, new submissions get 503 + Retry-After
 * before their body is even read, so nothing of them is written (no case without its jobs, no jobs without
 * their case). Reads (GET a case, events, RiskAssessment) are never refused: they add no work, and a hospital
 * must still be able to collect results while we catch up.
 *
 * The wait is what protects deadlines: a count means nothing without the rate it drains at (10 000 jobs are a
 * minute of work for one imaging worker, seconds for ten), but a job that waited a second tells that every case
 * accepted now will wait about as long before it is even looked at. Without it, an overload of ~25 % (249
 * accepted/s against 196 fused/s here) was accepted until the backlog limit, and cases missed their 5 s
 * deadlines (480 of 3907 degraded in one run) instead of being refused at once.
 * The wait counts only for a queue that is draining (its oldest waiting job changed since the previous
 * sample): a queue whose worker is down or stopped is a modality outage, not an overload, and refusing every
 * case for it would turn one missing modality into a full outage, where the design degrades those cases at
 * their deadline and keeps fusing the others.
 *
 * The state is sampled in the background every LF_BACKPRESSURE_SAMPLE_MS (a few cheap Redis calls), not per
 * request, so the check on the request path is a memory read.
 *
 * Backlog = wait + paused + prioritized + delayed of each modality queue (BullMQ's getJobCounts). Delayed
 * jobs there are retries in backoff: work that will run. Active jobs are not backlog (bounded by worker
 * concurrency). The fusion queue is not counted: its triggers are the end of work already done, and a
 * delayed job there can only be a deadline trigger from an older gateway.
 */
export const BACKLOG_STATES = ['wait', 'paused', 'prioritized', 'delayed'] as const;

export interface BackpressureThresholds {
  maxBacklog: number;
  /** Longest a modality queue's oldest waiting job may have waited (ms); 0 turns the check off. */
  maxQueueWaitMs: number;
  /** Of maxmemory, in (0, 1]. Ignored when Redis has no maxmemory. */
  maxMemoryRatio: number;
}

export interface BackpressureSample {
  /** Epoch ms (this process's clock: only used for staleness). */
  at: number;
  backlog: Record<string, number>;
  /** How long (ms) each queue's oldest waiting job has waited; 0 for an empty wait list. */
  oldestWaitMs: Record<string, number>;
  /** Queues whose oldest waiting job is another than at the previous sample (workers are taking jobs). */
  draining: Record<string, boolean>;
  /** Highest used_memory / maxmemory over the masters; undefined when no maxmemory is set. */
  memoryRatio?: number;
}

export interface BackpressureState {
  active: boolean;
  /** Why submissions are refused, e.g. `queue imaging backlog 12000 > 10000`. */
  reasons: string[];
  sample?: BackpressureSample;
  /** No successful sample recently: not shedding (Redis is probably down, and submissions fail on their own). */
  stale: boolean;
}

export function evaluateBackpressure(sample: BackpressureSample, thresholds: BackpressureThresholds): { active: boolean; reasons: string[] } {
  const reasons: string[] = [];
  for (const [queue, backlog] of Object.entries(sample.backlog)) {
    if (backlog > thresholds.maxBacklog) reasons.push(`queue ${queue} backlog ${backlog} > ${thresholds.maxBacklog}`);
  }
  if (thresholds.maxQueueWaitMs > 0) {
    for (const [queue, waitedMs] of Object.entries(sample.oldestWaitMs)) {
      if (waitedMs > thresholds.maxQueueWaitMs && sample.draining[queue]) reasons.push(`queue ${queue} oldest waiting job queued ${Math.round(waitedMs)} ms ago > ${thresholds.maxQueueWaitMs} ms`);
    }
  }
  if (sample.memoryRatio !== undefined && sample.memoryRatio > thresholds.maxMemoryRatio) {
    reasons.push(`Redis memory ${(sample.memoryRatio * 100).toFixed(1)}% of maxmemory > ${(thresholds.maxMemoryRatio * 100).toFixed(1)}%`);
  }
  return { active: reasons.length > 0, reasons };
}

/** used_memory / maxmemory from `INFO memory`; undefined without a maxmemory (0 = no limit). */
export function memoryRatioFromInfo(info: string): number | undefined {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:(\\d+)\\s*$`, 'm').exec(info);
    return match ? Number(match[1]) : undefined;
  };
  const used = field('used_memory');
  const max = field('maxmemory');
  if (used === undefined || max === undefined || max === 0) return undefined;
  return used / max;
}

/** The slice of a BullMQ Queue the monitor reads. */
export interface CountedQueue {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  /** A key of the queue: `toKey('wait')` is its wait list, `toKey(jobId)` a job's hash. */
  toKey(type: string): string;
}

export interface BackpressureMonitorDeps {
  queues: readonly CountedQueue[];
  redis: RedisConnection;
  thresholds: BackpressureThresholds;
  sampleMs: number;
  logger: Logger;
  metrics?: AccessMetrics;
  now?: () => number;
}

export class BackpressureMonitor {
  private last: BackpressureSample | undefined;
  private verdict: { active: boolean; reasons: string[] } = { active: false, reasons: [] };
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** Each queue's oldest waiting job id at the previous sample (null: the wait list was empty). */
  private previousOldest = new Map<string, string | null>();
  private readonly now: () => number;

  constructor(private readonly deps: BackpressureMonitorDeps) {
    this.now = deps.now ?? Date.now;
    this.publish();
  }

  get state(): BackpressureState {
    const stale = this.last === undefined || this.now() - this.last.at > Math.max(5 * this.deps.sampleMs, 5000);
    if (stale) return { active: false, reasons: [], stale: true, ...(this.last ? { sample: this.last } : {}) };
    return { ...this.verdict, sample: this.last, stale: false };
  }

  start(): void {
    if (this.timer) return;
    void this.sampleNow();
    this.timer = setInterval(() => void this.sampleNow(), this.deps.sampleMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Takes one sample now (one at a time: a slow Redis is not asked twice at once). */
  sampleNow(): Promise<void> {
    this.inFlight ??= this.sample().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async sample(): Promise<void> {
    const { deps } = this;
    try {
      const [counts, waits, memoryRatio] = await Promise.all([
        Promise.all(deps.queues.map(async (q) => [q.name, sum(await q.getJobCounts(...BACKLOG_STATES))] as const)),
        Promise.all(deps.queues.map(async (q) => [q.name, await this.oldestWaiting(q)] as const)),
        this.memoryRatio(),
      ]);
      this.last = {
        at: this.now(),
        backlog: Object.fromEntries(counts),
        oldestWaitMs: Object.fromEntries(waits.map(([queue, oldest]) => [queue, oldest.waitedMs])),
        draining: Object.fromEntries(waits.map(([queue, oldest]) => [queue, oldest.draining])),
        ...(memoryRatio !== undefined ? { memoryRatio } : {}),
      };
      const previous = this.verdict;
      this.verdict = evaluateBackpressure(this.last, deps.thresholds);
      if (this.verdict.active !== previous.active) {
        if (this.verdict.active) deps.logger.warn('backpressure on: refusing new submissions', { reasons: this.verdict.reasons });
        else deps.logger.info('backpressure off: accepting submissions again');
      }
    } catch {
      // Redis unreachable: readiness reports it, and the state goes stale (not shedding) if it lasts.
      deps.metrics?.backpressureSampleErrors.inc();
    }
    this.publish();
  }

  /**
   * Since when the queue's oldest waiting job has waited, by this gateway's clock against the timestamp its
   * producer (a gateway, or a worker's retry) gave it: pods' clocks differ by milliseconds, the threshold is
   * counted in seconds.
   */
  private async oldestWaiting(queue: CountedQueue): Promise<{ waitedMs: number; draining: boolean }> {
    if (this.deps.thresholds.maxQueueWaitMs <= 0) return { waitedMs: 0, draining: false };
    // BullMQ pushes new jobs at the head of the wait list: the tail is the oldest. Only its timestamp is read
    // (HGET, not the whole job), since the sample runs twice a second.
    const client = this.deps.redis;
    const id = await client.lindex(queue.toKey('wait'), -1);
    const timestamp = id === null ? null : Number(await client.hget(queue.toKey(id), 'timestamp'));
    const previous = this.previousOldest.get(queue.name);
    this.previousOldest.set(queue.name, id);
    const waitedMs = timestamp !== null && Number.isFinite(timestamp) ? Math.max(0, this.now() - timestamp) : 0;
    // Draining: the job that was oldest at the previous sample has left the wait list (a worker took it).
    // An empty list that got a job is not progress, so a queue nobody consumes never counts as draining.
    return { waitedMs, draining: typeof previous === 'string' && previous !== id };
  }

  private async memoryRatio(): Promise<number | undefined> {
    const { redis } = this.deps;
    // On a Cluster every master has its own maxmemory: the fullest one decides.
    const infos = 'nodes' in redis ? await Promise.all(redis.nodes('master').map((node) => node.info('memory'))) : [await redis.info('memory')];
    const ratios = infos.map(memoryRatioFromInfo).filter((r): r is number => r !== undefined);
    return ratios.length > 0 ? Math.max(...ratios) : undefined;
  }

  private publish(): void {
    const { metrics } = this.deps;
    if (!metrics) return;
    const state = this.state;
    metrics.backpressureState.set({ state: 'shedding' }, state.active ? 1 : 0);
    metrics.backpressureState.set({ state: 'accepting' }, state.active ? 0 : 1);
    if (state.sample) {
      for (const [queue, backlog] of Object.entries(state.sample.backlog)) metrics.queueBacklog.set({ queue }, backlog);
      for (const [queue, waitedMs] of Object.entries(state.sample.oldestWaitMs)) metrics.queueOldestWait.set({ queue }, waitedMs / 1000);
      if (state.sample.memoryRatio !== undefined) metrics.redisMemoryRatio.set(state.sample.memoryRatio);
      else metrics.redisMemoryRatio.reset();
    }
  }
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
