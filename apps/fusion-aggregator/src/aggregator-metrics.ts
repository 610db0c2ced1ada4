import type { Counter, Gauge, Histogram } from 'prom-client';
import { createMetrics, LATENCY_BUCKETS_SECONDS, type Metrics } from '@lf/observability';

/**
 * The aggregator's series. Late scores are counted where they are detected: by the modality workers
 * (recordScore answers 'late'), in their score-outcome counter.
 */
export interface AggregatorMetrics {
  readonly base: Metrics;
  /** Results stored (exactly once per case), by what closed the case and its final status. */
  readonly casesFinalized: Counter<'cause' | 'status'>;
  /** Submission (Redis clock) to the finalize fence (Redis clock): what a client waits for. */
  readonly caseLatency: Histogram<'cause'>;
  /**
   * Fence minus deadline (Redis clock): negative when every modality replied in time, positive = how late
   * after its deadline a case was finalized (the "deadline slack high" alert watches cause="deadline").
   */
  readonly deadlineSlack: Histogram<'cause'>;
  /** Each expected modality of each finalized case, by what the fence found from it: ok | failed | invalid | missing. */
  readonly modalityReplies: Counter<'modality' | 'reply'>;
  /** What each finalize attempt found, by source (job | sweeper): finalized, recovered, duplicate, in-progress, not-due, unknown-case. */
  readonly finalizeOutcomes: Counter<'source' | 'outcome'>;
  /** Wall time of one finalize attempt (fence, fuse, store). */
  readonly finalizeDuration: Histogram<'outcome'>;
  /** Cases whose strategy was not in the bundle and were fused with the default. */
  readonly strategyFallbacks: Counter<'requested'>;
  /** Due deadlines the last sweep saw (a growing number means the aggregator lags behind the deadlines). */
  readonly dueDeadlines: Gauge;
  readonly sweepErrors: Counter;
}

const CASE_LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10, 30, 60, 300];
/** Both sides of the deadline: well before it (all replied) down to minutes after it (a stalled aggregator). */
export const DEADLINE_SLACK_BUCKETS = [-60, -30, -10, -5, -2.5, -1, -0.5, -0.25, -0.1, 0, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export function createAggregatorMetrics(base: Metrics = createMetrics('fusion-aggregator')): AggregatorMetrics {
  return {
    base,
    casesFinalized: base.counter({ name: 'lf_cases_finalized_total', help: 'Cases finalized (result stored), by cause and status.', labelNames: ['cause', 'status'] }),
    caseLatency: base.histogram({
      name: 'lf_case_latency_seconds',
      help: 'Submission to finalization (Redis clock), by cause.',
      labelNames: ['cause'],
      buckets: CASE_LATENCY_BUCKETS,
    }),
    deadlineSlack: base.histogram({
      name: 'lf_case_deadline_slack_seconds',
      help: 'Finalization (fence) minus deadline, Redis clock, by cause: negative = before the deadline.',
      labelNames: ['cause'],
      buckets: DEADLINE_SLACK_BUCKETS,
    }),
    modalityReplies: base.counter({
      name: 'lf_case_modality_replies_total',
      help: 'Expected modalities of finalized cases, by what the fence found (ok | failed | invalid | missing).',
      labelNames: ['modality', 'reply'],
    }),
    finalizeOutcomes: base.counter({ name: 'lf_finalize_attempts_total', help: 'Finalize attempts, by source and outcome.', labelNames: ['source', 'outcome'] }),
    finalizeDuration: base.histogram({ name: 'lf_finalize_duration_seconds', help: 'Wall time of one finalize attempt.', labelNames: ['outcome'], buckets: LATENCY_BUCKETS_SECONDS }),
    strategyFallbacks: base.counter({ name: 'lf_fusion_strategy_fallbacks_total', help: 'Cases fused with the default strategy because the requested one is not in the bundle.', labelNames: ['requested'] }),
    dueDeadlines: base.gauge({ name: 'lf_due_deadline_cases', help: 'Past-deadline cases found by the last sweep.' }),
    sweepErrors: base.counter({ name: 'lf_sweep_errors_total', help: 'Deadline sweeps or sweep finalizations that failed.' }),
  };
}
