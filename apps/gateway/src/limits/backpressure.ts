import type { Logger } from '@lf/observability';
import type { RedisConnection } from '@lf/redis';
import type { AccessMetrics } from '../auth/access-metrics';

/**
 * Load shedding for submissions. When any modality queue holds more waiting work than
 * LF_BACKPRESSURE_MAX_BACKLOG, or Redis memory passes LF_BACKPRESSURE_MAX_MEMORY_RATIO of maxmemory, new
 * submissions get 503 + Retry-After before their body is even read, so nothing of them is written (no case
 * without its jobs, no jobs without their case). Reads (GET a case, events, RiskAssessment) are never
 * refused: they add no work, and a hospital must still be able to collect results while we catch up.
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
  /** Of maxmemory, in (0, 1]. Ignored when Redis has no maxmemory. */
  maxMemoryRatio: number;
}

export interface BackpressureSample {
  /** Epoch ms (this process's clock: only used for staleness). */
  at: number;
  backlog: Record<string, number>;
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

export interface CountedQueue {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
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
      const [counts, memoryRatio] = await Promise.all([
        Promise.all(deps.queues.map(async (q) => [q.name, sum(await q.getJobCounts(...BACKLOG_STATES))] as const)),
        this.memoryRatio(),
      ]);
      this.last = { at: this.now(), backlog: Object.fromEntries(counts), ...(memoryRatio !== undefined ? { memoryRatio } : {}) };
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
      if (state.sample.memoryRatio !== undefined) metrics.redisMemoryRatio.set(state.sample.memoryRatio);
      else metrics.redisMemoryRatio.reset();
    }
  }
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
