/**
 * The deadline clock (DESIGN.md 3), and its own safety net.
 *
 * No job carries a case's deadline: registration puts every case in the deadlines ZSET, and it stays
 * there until its result is stored. Polling it (by the Redis clock) finds each due case, which is finalized
 * directly with cause 'deadline'; a case fenced by a finalizer that then crashed is found the same way. It
 * survives any restart because the index lives in Redis. Any number of aggregator replicas may sweep at
 * once: the fence admits one finalization per case, the others return early.
 *
 * It sleeps exactly until the earliest pending deadline (by the Redis clock, re-read on every wake), so
 * deadline cases are finalized within a few milliseconds, but never longer than `intervalMs`: a case
 * registered meanwhile with a shorter deadline than any pending one is seen within that bound.
 *
 * Why not a delayed BullMQ job per case (the design's suggestion, and this project's first version)? The
 * sweeper had to exist anyway and was already the precise clock (BullMQ promotes delayed jobs 0-100 ms
 * late); the job cost a delayed add per case, its removal after every finalization and extra scripts in
 * Redis, for nothing the index does not give. A deadline job queued by an older gateway is still handled.
 */
import type { Logger } from '@lf/observability';
import type { CaseStore } from '@lf/redis';
import type { AggregatorMetrics } from '../aggregator-metrics';
import type { CaseFinalizer } from '../finalize/case-finalizer';

export interface DeadlineSweeperOptions {
  store: Pick<CaseStore, 'scanDeadlines'>;
  finalizer: Pick<CaseFinalizer, 'finalize'>;
  metrics: AggregatorMetrics;
  logger: Logger;
  /** The longest sleep between sweeps. */
  intervalMs: number;
  /** Due cases taken per sweep; a full batch that made progress is followed by another sweep at once. */
  batchSize: number;
  /** Floor for deadline-driven sleeps, so a burst of deadlines is handled in batches. Default 5 ms. */
  minWakeMs?: number;
}

export interface SweepResult {
  due: number;
  /** Due cases that left the index (finalized, recovered, found done or gone); the rest are held by a live finalizer. */
  settled: number;
  /** The earliest deadline not yet due when the index was read, and the Redis time it was read at (ms). */
  next: { deadlineAt: number; now: number } | null;
}

export class DeadlineSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: DeadlineSweeperOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops scheduling and waits for the sweep in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One sweep over up to `batchSize` due cases (one round trip to read the index, then the finalizations). */
  async sweepOnce(): Promise<SweepResult> {
    const { store, finalizer, metrics, logger, batchSize } = this.options;
    const { due, now, nextDeadlineAt } = await store.scanDeadlines(batchSize);
    metrics.dueDeadlines.set(due.length);
    const outcomes = await Promise.all(
      due.map((caseId) =>
        finalizer.finalize(caseId, 'deadline', 'sweeper').then(
          (r) => r.outcome,
          (err: Error) => {
            metrics.sweepErrors.inc();
            logger.warn('sweeper could not finalize a case', { caseId, err });
            return 'error' as const;
          },
        ),
      ),
    );
    return {
      due: due.length,
      settled: outcomes.filter((o) => o !== 'in-progress' && o !== 'not-due' && o !== 'error').length,
      next: nextDeadlineAt === null ? null : { deadlineAt: nextDeadlineAt, now },
    };
  }

  /** How long to sleep after a sweep (pure, exported for tests). */
  static nextDelay(sweep: SweepResult | undefined, options: { intervalMs: number; batchSize: number; minWakeMs: number }): number {
    if (sweep === undefined) return options.intervalMs; // the sweep failed: back off
    if (sweep.due >= options.batchSize && sweep.settled > 0) return 0; // a backlog: keep going
    // Due cases that no sweep could settle are fenced by a live (or crashed) finalizer: their grace period,
    // not the deadline, decides when to look again, so do not spin on them.
    if (sweep.due > 0 && sweep.settled === 0) return options.intervalMs;
    const { next } = sweep;
    if (!next) return options.intervalMs;
    const untilDue = next.deadlineAt - next.now + 1; // ZRANGEBYSCORE -inf now is inclusive: due at deadlineAt
    return Math.min(options.intervalMs, Math.max(options.minWakeMs, untilDue));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = undefined));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    const { intervalMs, batchSize, minWakeMs = 5 } = this.options;
    let sweep: SweepResult | undefined;
    try {
      sweep = await this.sweepOnce();
    } catch (err) {
      this.options.metrics.sweepErrors.inc();
      this.options.logger.warn('deadline sweep failed', { err: err as Error });
    }
    this.schedule(DeadlineSweeper.nextDelay(sweep, { intervalMs, batchSize, minWakeMs }));
  }
}
