/**
 * Finalizes one case: the fence, then the idempotent steps (fuse the frozen snapshot, store the result).
 *
 * Exactly once comes from the store's Lua fence, not from this code: any number of callers (job replicas,
 * duplicated or redelivered triggers, two sweepers) may call `finalize` for the same case; one is admitted.
 * Everyone else returns early. The result is a pure function of the snapshot (same strategy, same
 * params, same records), and storeResult is SET NX, so redoing the steps after a crash (a fenced case with
 * no result after `recoveryGraceMs`) stores the same result once and counts it once.
 */
import type { FinalizeCause, FusedRisk } from '@lf/contracts';
import type { Logger } from '@lf/observability';
import type { CaseSnapshot, CaseStore, FinalCaseStatus } from '@lf/redis';
import type { AggregatorMetrics } from '../aggregator-metrics';
import type { FusionEngine } from '../fusion/fusion-engine';
import type { WebhookEnqueuer } from '../webhooks/webhook-enqueuer';
import { buildEvidence, decideStatus } from './evidence';

export type FinalizeSource = 'job' | 'sweeper';

export type FinalizeResult =
  /** This call passed the fence (or redid a crashed finalization) and stored the result. */
  | { outcome: 'finalized' | 'recovered'; status: FinalCaseStatus; completedBy: FinalizeCause }
  /** Someone stored the result already (or stores it concurrently: `stored` false on our redo). */
  | { outcome: 'duplicate' }
  /** Fenced by another finalizer less than `recoveryGraceMs` ago, result not stored yet: leave it to them. */
  | { outcome: 'in-progress' }
  /** A deadline trigger ahead of the Redis clock, or an all-replied trigger with replies missing. */
  | { outcome: 'not-due'; remainingMs: number }
  | { outcome: 'unknown-case' };

export interface CaseFinalizerDeps {
  store: Pick<CaseStore, 'finalize' | 'storeResult' | 'clearDeadline'>;
  fusion: Pick<FusionEngine, 'fuse' | 'strategyFor'>;
  metrics: AggregatorMetrics;
  logger: Logger;
  /** How long a fenced case may stay without a result before another finalizer redoes it. */
  recoveryGraceMs: number;
  /** How long the inputs of modalities that had not replied stay after finalization (for late workers). */
  inputGraceMs?: number;
  /**
   * Enqueues the tenant's webhook deliveries once the result is stored. Idempotent (job ids), so it also runs
   * when a trigger or a sweep finds the result already stored: that is how a crash or a Redis error between
   * storing and enqueueing is repaired. Its errors propagate: a trigger job is retried by BullMQ, and a case
   * finalized by a sweep stays in the deadlines index until its deliveries are enqueued, so the next sweep
   * retries it.
   */
  webhooks?: Pick<WebhookEnqueuer, 'caseFinalized'>;
}

export class CaseFinalizer {
  constructor(private readonly deps: CaseFinalizerDeps) {}

  async finalize(caseId: string, cause: FinalizeCause, source: FinalizeSource): Promise<FinalizeResult> {
    const started = process.hrtime.bigint();
    const result = await this.attempt(caseId, cause, source);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.deps.metrics.finalizeOutcomes.inc({ source, outcome: result.outcome });
    this.deps.metrics.finalizeDuration.observe({ outcome: result.outcome }, seconds);
    return result;
  }

  private async attempt(caseId: string, cause: FinalizeCause, source: FinalizeSource): Promise<FinalizeResult> {
    const { store, recoveryGraceMs } = this.deps;
    const fence = await store.finalize(caseId, cause);
    if (fence.admitted && fence.snapshot) return this.complete(fence.snapshot, 'finalized', source);

    switch (fence.reason) {
      case 'unknown-case':
        // Expired or never registered: drop any stale deadline entry so the sweeper stops seeing it.
        if (cause === 'deadline') await store.clearDeadline(caseId);
        return { outcome: 'unknown-case' };
      case 'not-due':
        return { outcome: 'not-due', remainingMs: Math.max(0, (fence.deadlineAt ?? fence.now) - fence.now) };
      case 'already-finalized': {
        if (fence.resultStored) {
          // Covers a crash (or a failed enqueue) between storing the result and enqueueing its webhooks: a
          // no-op otherwise. Only then does the case leave the deadlines index (the sweeps' retry list).
          if (fence.snapshot) await this.notifyWebhooks(fence.snapshot);
          if (source === 'sweeper') await store.clearDeadline(caseId);
          return { outcome: 'duplicate' };
        }
        const snapshot = fence.snapshot;
        if (!snapshot || fence.now - snapshot.finalizedAt < recoveryGraceMs) return { outcome: 'in-progress' };
        this.deps.logger.warn('redoing a finalization that did not store its result', {
          caseId,
          traceId: snapshot.traceId,
          fencedMsAgo: fence.now - snapshot.finalizedAt,
        });
        return this.complete(snapshot, 'recovered', source);
      }
      default:
        throw new Error(`finalize(${caseId}): unexpected fence outcome ${JSON.stringify({ admitted: fence.admitted, reason: fence.reason })}`);
    }
  }

  private async complete(
    snapshot: CaseSnapshot,
    outcome: 'finalized' | 'recovered',
    source: FinalizeSource,
  ): Promise<FinalizeResult> {
    const { store, fusion, metrics, logger } = this.deps;
    const { caseId, traceId } = snapshot;
    const log = logger.child({ caseId, traceId });

    const evidence = buildEvidence(snapshot.expected, snapshot.scores);
    const used = fusion.strategyFor(snapshot.strategy);
    if (used !== snapshot.strategy) {
      metrics.strategyFallbacks.inc({ requested: snapshot.strategy });
      log.warn('requested strategy is not in the fusion bundle; using the default', { requested: snapshot.strategy, used });
    }
    const fused: FusedRisk = await fusion.fuse(snapshot.strategy, evidence);
    const status = decideStatus(evidence, fused);

    const replied = snapshot.expected.filter((m) => snapshot.scores[m] !== undefined);
    const missing = snapshot.expected.filter((m) => snapshot.scores[m] === undefined);
    // A trigger job leaves the deadlines index with the result (BullMQ retries the job if what follows
    // fails); a sweep only after the webhooks are enqueued, since the index is what the next sweep retries.
    const clearDeadline = source === 'job';
    const stored = await store.storeResult(caseId, { fused, status }, { replied, missing, graceMs: this.deps.inputGraceMs ?? 60_000 }, { clearDeadline });
    if (!stored) return { outcome: 'duplicate' };

    const latencySeconds = Math.max(0, snapshot.finalizedAt - snapshot.submittedAt) / 1000;
    metrics.casesFinalized.inc({ cause: snapshot.completedBy, status });
    metrics.caseLatency.observe({ cause: snapshot.completedBy }, latencySeconds);
    metrics.deadlineSlack.observe({ cause: snapshot.completedBy }, (snapshot.finalizedAt - snapshot.deadlineAt) / 1000);
    for (const e of evidence) metrics.modalityReplies.inc({ modality: e.modality, reply: e.status });
    log.info('case finalized', {
      status,
      completedBy: snapshot.completedBy,
      strategy: fused.strategy,
      missing: evidence.filter((e) => e.status === 'missing').map((e) => e.modality),
      notOk: evidence.filter((e) => e.status === 'failed' || e.status === 'invalid').map((e) => e.modality),
      latencyMs: snapshot.finalizedAt - snapshot.submittedAt,
      source,
      ...(outcome === 'recovered' ? { recovered: true } : {}),
    });
    await this.notifyWebhooks(snapshot);
    if (!clearDeadline) await store.clearDeadline(caseId);
    return { outcome, status, completedBy: snapshot.completedBy };
  }

  private async notifyWebhooks(snapshot: CaseSnapshot): Promise<void> {
    if (!this.deps.webhooks) return;
    const { caseId, tenant, traceId } = snapshot;
    await this.deps.webhooks.caseFinalized({ caseId, tenant, traceId });
  }
}
