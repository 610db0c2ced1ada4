/**
 * The sampling loop: every LF_DASHBOARD_SAMPLE_MS, whether or not anybody is looking (the history must have
 * data after a reload), one tick reads Redis (TIME, CLIENT LIST, INFO, one pipeline per queue, the finalized
 * stream and the cases due a look, the deadlines index) and turns it into an Overview. Every
 * LF_DASHBOARD_HISTORY_POINT_SECONDS a compact HistoryPoint goes into a ring buffer holding the last
 * LF_DASHBOARD_HISTORY_MINUTES. Listeners (the SSE streams) get each overview and each new point.
 * One tick at a time: a slow Redis is never asked twice at once. Times are Redis TIME (one clock for all).
 */
import type { Logger } from '@lf/observability';
import type { KeyBuilder, RedisConnection } from '@lf/redis';
import type { DashboardConfig } from '../config/dashboard.config';
import type { DashboardMetrics } from '../dashboard-metrics';
import { fusionHealth, queueHealth, redisHealth, worst, type Health, type HealthLevel, type Thresholds } from '../health/health-rules';
import { RingBuffer } from '../stats/ring-buffer';
import { parseClientList, type ClientInfo } from './client-list';
import { FusionTracker, type FusionTracking } from './fusion-tracker';
import { computeFusionStats, type FusionStats } from './fusion-stats';
import { QueueTracker, type QueueSample } from './queue-tracker';
import { combineNodes, parseInfo, redisOverviewFromInfo, type RedisOverview } from './redis-info';

export interface QueueOverview extends QueueSample {
  health: Health;
}

export interface FusionOverview extends FusionStats {
  lateScoresPerMinute: number;
  lateScoresInWindow: number;
  pendingCases: number;
  overdueCases: number;
  tracking: FusionTracking;
  health: Health;
}

export interface Overview {
  /** Redis time of the sample, ms. */
  at: number;
  sampleMs: number;
  /** The sample could not be taken: `error` says why and the other fields are the last good ones (if any). */
  stale: boolean;
  error?: string;
  overall: HealthLevel;
  queues: QueueOverview[];
  fusion: FusionOverview;
  redis: RedisOverview & { health: Health };
  thresholds: Thresholds;
}

/** One point of the history charts (compact: 720 of them per hour). */
export interface HistoryPoint {
  t: number;
  queues: Record<string, { waiting: number; active: number; delayed: number; completedPerMinute: number; failedPerMinute: number; waitP95Ms: number | null; processingP95Ms: number | null; workers: number | null; oldestWaitingSeconds: number | null; level: HealthLevel }>;
  fusion: { finalizedPerMinute: number; degradedShare: number | null; deadlineShare: number | null; slackP99Ms: number | null; latencyP95Ms: number | null; pendingCases: number; lateScoresPerMinute: number; level: HealthLevel };
  redis: { usedMemoryBytes: number; maxMemoryBytes: number; opsPerSecond: number; connectedClients: number; level: HealthLevel };
}

export interface SamplerListener {
  overview?(overview: Overview): void;
  point?(point: HistoryPoint): void;
}

export interface DashboardSamplerDeps {
  redis: RedisConnection;
  keys: KeyBuilder;
  config: Pick<DashboardConfig, 'queues' | 'sampleMs' | 'historyPointMs' | 'historyMinutes' | 'windowSeconds' | 'thresholds'>;
  logger: Logger;
  metrics: DashboardMetrics;
}

const MINUTE = 60_000;
const SAVE_CONFIG_REFRESH_MS = 60_000;

export class DashboardSampler {
  private readonly trackers: QueueTracker[];
  private readonly fusion: FusionTracker;
  private readonly history: RingBuffer<HistoryPoint>;
  private readonly listeners = new Set<SamplerListener>();
  private current: Overview | undefined;
  private lastPointBucket = -Infinity;
  private saveConfig: { value: string | null; at: number } | undefined;
  /** Redis total_commands_processed at the previous sample (the counter moves by the difference). */
  private lastCommandsProcessed: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly deps: DashboardSamplerDeps) {
    const { config, keys, redis, logger } = deps;
    const windowMs = config.windowSeconds * 1000;
    this.trackers = config.queues.map((q) => new QueueTracker(q, keys.queuePrefix(q.name), redis, windowMs));
    this.fusion = new FusionTracker({
      redis,
      keys,
      finalizedKey: keys.finalized(),
      windowMs,
      sampleMs: config.sampleMs,
      logger,
    });
    this.history = new RingBuffer<HistoryPoint>(Math.ceil((config.historyMinutes * MINUTE) / config.historyPointMs) + 2);
  }

  get overview(): Overview | undefined {
    return this.current;
  }

  /** History points of the last `minutes`, oldest first. */
  historySince(minutes: number): HistoryPoint[] {
    const last = this.history.last();
    if (!last) return [];
    const from = last.t - minutes * MINUTE;
    return this.history.newestWhile((p) => p.t >= from);
  }

  subscribe(listener: SamplerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      void this.tick().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.deps.config.sampleMs);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
    this.listeners.clear();
  }

  /** One sample now (shares the one in flight, if any). */
  tick(): Promise<void> {
    this.inFlight ??= this.sample().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async sample(): Promise<void> {
    const { metrics, logger } = this.deps;
    const stopTimer = metrics.sampleDuration.startTimer();
    try {
      const overview = await this.read();
      this.current = overview;
      metrics.samples.inc({ outcome: 'ok' });
      this.export(overview);
      this.emit(overview);
    } catch (err) {
      metrics.samples.inc({ outcome: 'error' });
      logger.warn('dashboard sample failed', { err: err as Error });
      if (this.current) {
        this.current = { ...this.current, stale: true, error: `Redis could not be sampled: ${(err as Error).message}`, overall: 'critical' };
        this.emit(this.current, false);
      }
    } finally {
      stopTimer();
    }
  }

  private async read(): Promise<Overview> {
    const { redis, config } = this.deps;
    const t = config.thresholds;
    const now = await redisNow(redis);
    const [clients, info] = await Promise.all([this.clientList(), this.redisInfo(now)]);
    const queueSamples = await Promise.all(this.trackers.map((tracker) => tracker.sample(now, clients)));
    await this.fusion.sample(now);
    const [pendingCases, overdueCases] = await Promise.all([
      redis.zcard(this.deps.keys.deadlines()),
      redis.zcount(this.deps.keys.deadlines(), '-inf', now - t.maxDeadlineSlackMs),
    ]);

    const queues: QueueOverview[] = queueSamples.map((q) => ({
      ...q,
      health: queueHealth({ ...q, waiting: q.counts.waiting, delayed: q.counts.delayed }, t),
    }));
    const windowMs = config.windowSeconds * 1000;
    const stats = computeFusionStats(this.fusion.finalizedBetween(now - windowMs, now), this.fusion.finalizedCount(now - MINUTE), config.windowSeconds);
    const modalityQueues = queueSamples.filter((q) => q.kind === 'modality');
    const fusion: FusionOverview = {
      ...stats,
      lateScoresPerMinute: modalityQueues.reduce((n, q) => n + (q.lateScoresPerMinute ?? 0), 0),
      lateScoresInWindow: modalityQueues.reduce((n, q) => n + (q.lateScoresInWindow ?? 0), 0),
      pendingCases,
      overdueCases,
      tracking: this.fusion.stats,
      health: fusionHealth(
        { finalized: stats.finalized, degradedShare: stats.degradedShare, deadlineSlackP99Ms: stats.deadlineCauseSlackMs?.p99 ?? null, overdueCases },
        t,
      ),
    };
    const redisPanel = {
      ...info,
      health: redisHealth(
        {
          memoryRatio: info.memoryRatio,
          evictionPolicy: info.evictionPolicy,
          rdbEnabled: info.persistence.rdbEnabled,
          aofEnabled: info.persistence.aofEnabled,
          rdbLastSaveOk: info.persistence.rdbLastSaveOk,
          aofLastWriteOk: info.persistence.aofLastWriteOk,
        },
        t,
      ),
    };
    return {
      at: now,
      sampleMs: config.sampleMs,
      stale: false,
      overall: worst(...queues.map((q) => q.health.level), fusion.health.level, redisPanel.health.level),
      queues,
      fusion,
      redis: redisPanel,
      thresholds: t,
    };
  }

  /** Every connection's name, or null where CLIENT LIST is not allowed (some managed Redis): workers unknown. */
  private async clientList(): Promise<ClientInfo[] | null> {
    const { redis } = this.deps;
    try {
      const lists = 'nodes' in redis ? await Promise.all(redis.nodes('master').map((node) => node.client('LIST') as Promise<string>)) : [(await redis.client('LIST')) as string];
      return lists.flatMap(parseClientList);
    } catch (err) {
      if (/unknown command|NOPERM|not allowed|disabled/i.test((err as Error).message)) return null;
      throw err;
    }
  }

  private async redisInfo(now: number): Promise<RedisOverview> {
    const { redis } = this.deps;
    const nodes = 'nodes' in redis ? redis.nodes('master') : [redis];
    if (!this.saveConfig || now - this.saveConfig.at > SAVE_CONFIG_REFRESH_MS) {
      // CONFIG is often disabled on managed Redis: then the RDB schedule is "unknown", not an error.
      const value = await (nodes[0].config('GET', 'save') as Promise<string[]>).then(
        (reply) => (Array.isArray(reply) && reply.length >= 2 ? String(reply[1]) : null),
        () => null,
      );
      this.saveConfig = { value, at: now };
    }
    const infos = await Promise.all(nodes.map((node) => node.info()));
    return combineNodes(infos.map((text) => redisOverviewFromInfo(parseInfo(text), this.saveConfig!.value)));
  }

  private emit(overview: Overview, withPoint = true): void {
    let point: HistoryPoint | undefined;
    // At most one point per LF_DASHBOARD_HISTORY_POINT_SECONDS bucket of Redis time: on average one per interval
    // whatever the tick rate, so the ring (sized for the interval) holds the whole history.
    const bucket = Math.floor(overview.at / this.deps.config.historyPointMs);
    if (withPoint && bucket > this.lastPointBucket) {
      point = historyPoint(overview);
      this.history.push(point);
      this.lastPointBucket = bucket;
    }
    for (const listener of this.listeners) {
      try {
        listener.overview?.(overview);
        if (point) listener.point?.(point);
      } catch (err) {
        this.deps.logger.warn('dashboard listener failed', { err: err as Error });
      }
    }
  }

  private export(o: Overview): void {
    const m = this.deps.metrics;
    for (const q of o.queues) {
      for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed'] as const) m.queueJobs.set({ queue: q.name, state }, q.counts[state]);
      if (q.workers !== null) m.queueWorkers.set({ queue: q.name }, q.workers);
      m.queueOldestWaiting.set({ queue: q.name }, q.oldestWaitingSeconds ?? 0);
      m.queueLastMinute.set({ queue: q.name, outcome: 'completed' }, q.completedPerMinute);
      m.queueLastMinute.set({ queue: q.name, outcome: 'failed' }, q.failedPerMinute);
      for (const [quantile, key] of [['0.5', 'p50'], ['0.95', 'p95']] as const) {
        if (q.waitMs) m.queueWait.set({ queue: q.name, quantile }, q.waitMs[key] / 1000);
        if (q.processingMs) m.queueProcessing.set({ queue: q.name, quantile }, q.processingMs[key] / 1000);
      }
      setLevel(m, `queue:${q.name}`, q.health.level);
    }
    m.fusionLastMinute.set(o.fusion.finalizedPerMinute);
    if (o.fusion.degradedShare !== null) m.fusionDegradedRatio.set(o.fusion.degradedShare);
    if (o.fusion.deadlineShare !== null) m.fusionDeadlineRatio.set(o.fusion.deadlineShare);
    for (const [cause, dist] of [['all', o.fusion.deadlineSlackMs], ['deadline', o.fusion.deadlineCauseSlackMs]] as const) {
      if (!dist) continue;
      m.fusionDeadlineSlack.set({ quantile: '0.5', cause }, dist.p50 / 1000);
      m.fusionDeadlineSlack.set({ quantile: '0.99', cause }, dist.p99 / 1000);
    }
    m.pendingCases.set(o.fusion.pendingCases);
    m.overdueCases.set(o.fusion.overdueCases);
    setLevel(m, 'fusion', o.fusion.health.level);
    m.redisMemoryUsed.set(o.redis.usedMemoryBytes);
    m.redisMaxMemory.set(o.redis.maxMemoryBytes);
    m.redisEvictionPolicy.reset();
    m.redisEvictionPolicy.set({ policy: o.redis.evictionPolicy }, 1);
    m.redisConnectedClients.set(o.redis.connectedClients);
    const commands = o.redis.commandsProcessed;
    // The first sample is the baseline; a smaller total means Redis restarted and counts from 0 again.
    if (this.lastCommandsProcessed !== undefined) m.redisCommands.inc(commands >= this.lastCommandsProcessed ? commands - this.lastCommandsProcessed : commands);
    this.lastCommandsProcessed = commands;
    setLevel(m, 'redis', o.redis.health.level);
  }
}

function setLevel(m: DashboardMetrics, panel: string, level: HealthLevel): void {
  for (const l of ['ok', 'warn', 'critical'] as const) m.health.set({ panel, level: l }, l === level ? 1 : 0);
}

export function historyPoint(o: Overview): HistoryPoint {
  const queues: HistoryPoint['queues'] = {};
  for (const q of o.queues) {
    queues[q.name] = {
      waiting: q.counts.waiting,
      active: q.counts.active,
      delayed: q.counts.delayed,
      completedPerMinute: q.completedPerMinute,
      failedPerMinute: q.failedPerMinute,
      waitP95Ms: q.waitMs?.p95 ?? null,
      processingP95Ms: q.processingMs?.p95 ?? null,
      workers: q.workers,
      oldestWaitingSeconds: q.oldestWaitingSeconds,
      level: q.health.level,
    };
  }
  return {
    t: o.at,
    queues,
    fusion: {
      finalizedPerMinute: o.fusion.finalizedPerMinute,
      degradedShare: o.fusion.degradedShare,
      deadlineShare: o.fusion.deadlineShare,
      slackP99Ms: o.fusion.deadlineSlackMs?.p99 ?? null,
      latencyP95Ms: o.fusion.latencyMs?.p95 ?? null,
      pendingCases: o.fusion.pendingCases,
      lateScoresPerMinute: o.fusion.lateScoresPerMinute,
      level: o.fusion.health.level,
    },
    redis: {
      usedMemoryBytes: o.redis.usedMemoryBytes,
      maxMemoryBytes: o.redis.maxMemoryBytes,
      opsPerSecond: o.redis.opsPerSecond,
      connectedClients: o.redis.connectedClients,
      level: o.redis.health.level,
    },
  };
}

/** Redis TIME in epoch ms (on a Cluster, any master's). */
export async function redisNow(redis: RedisConnection): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
