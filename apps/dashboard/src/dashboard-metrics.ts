import type { Counter, Gauge, Histogram } from 'prom-client';
import { createMetrics, LATENCY_BUCKETS_SECONDS, type Metrics } from '@lf/observability';

/**
 * What the dashboard computes, also as Prometheus gauges (the `lf_` scheme), so alert rules can use the
 * same numbers as the page: queue states, workers, oldest wait, fusion shares and slack, pending/overdue
 * cases, Redis memory, and each panel's health level. Counters of events (finalizations, late scores, jobs)
 * stay with the apps that do the work (lf_cases_finalized_total, lf_score_outcomes_total, ...).
 */
export interface DashboardMetrics {
  readonly base: Metrics;
  readonly queueJobs: Gauge<'queue' | 'state'>;
  readonly queueWorkers: Gauge<'queue'>;
  readonly queueOldestWaiting: Gauge<'queue'>;
  readonly queueLastMinute: Gauge<'queue' | 'outcome'>;
  readonly queueWait: Gauge<'queue' | 'quantile'>;
  readonly queueProcessing: Gauge<'queue' | 'quantile'>;
  readonly fusionLastMinute: Gauge;
  readonly fusionDegradedRatio: Gauge;
  readonly fusionDeadlineRatio: Gauge;
  readonly fusionDeadlineSlack: Gauge<'quantile' | 'cause'>;
  readonly pendingCases: Gauge;
  readonly overdueCases: Gauge;
  readonly redisMemoryUsed: Gauge;
  readonly redisMaxMemory: Gauge;
  readonly redisEvictionPolicy: Gauge<'policy'>;
  readonly redisConnectedClients: Gauge;
  /** Redis total_commands_processed as seen by this dashboard since it started (rate() = the panel's ops/s). */
  readonly redisCommands: Counter;
  readonly health: Gauge<'panel' | 'level'>;
  readonly samples: Counter<'outcome'>;
  readonly sampleDuration: Histogram;
}

export function createDashboardMetrics(base: Metrics = createMetrics('dashboard')): DashboardMetrics {
  return {
    base,
    queueJobs: base.gauge({ name: 'lf_queue_jobs', help: 'Jobs per queue and state (waiting = wait + paused + prioritized), sampled by the dashboard.', labelNames: ['queue', 'state'] }),
    queueWorkers: base.gauge({ name: 'lf_queue_workers', help: 'BullMQ workers connected per queue (CLIENT LIST), sampled by the dashboard.', labelNames: ['queue'] }),
    queueOldestWaiting: base.gauge({ name: 'lf_queue_oldest_waiting_seconds', help: 'Age of the oldest job ready to run per queue (0 when none).', labelNames: ['queue'] }),
    queueLastMinute: base.gauge({ name: 'lf_queue_last_minute_jobs', help: 'Jobs finished in the last minute, by queue and outcome (completed | failed).', labelNames: ['queue', 'outcome'] }),
    queueWait: base.gauge({ name: 'lf_queue_wait_seconds', help: 'Wait time (ready to started) of the jobs completed in the window, by quantile.', labelNames: ['queue', 'quantile'] }),
    queueProcessing: base.gauge({ name: 'lf_queue_processing_seconds', help: 'Processing time of the jobs completed in the window, by quantile.', labelNames: ['queue', 'quantile'] }),
    fusionLastMinute: base.gauge({ name: 'lf_fusion_last_minute_cases', help: 'Cases finalized in the last minute (fence time).' }),
    fusionDegradedRatio: base.gauge({ name: 'lf_fusion_degraded_ratio', help: 'Share of the cases finalized in the window that are degraded or failed.' }),
    fusionDeadlineRatio: base.gauge({ name: 'lf_fusion_deadline_finalized_ratio', help: 'Share of the cases finalized in the window whose deadline closed them (vs all replied).' }),
    fusionDeadlineSlack: base.gauge({
      name: 'lf_fusion_deadline_slack_seconds',
      help: 'Finalization minus deadline over the window, by quantile and cause (all | deadline).',
      labelNames: ['quantile', 'cause'],
    }),
    pendingCases: base.gauge({ name: 'lf_pending_cases', help: 'Cases registered and not finalized (the deadlines index).' }),
    overdueCases: base.gauge({ name: 'lf_overdue_cases', help: 'Pending cases past their deadline by more than LF_DASHBOARD_MAX_DEADLINE_SLACK_MS.' }),
    redisMemoryUsed: base.gauge({ name: 'lf_redis_memory_used_bytes', help: 'Redis used_memory (the fullest master on a Cluster).' }),
    redisMaxMemory: base.gauge({ name: 'lf_redis_maxmemory_bytes', help: 'Redis maxmemory (0 = no limit).' }),
    redisEvictionPolicy: base.gauge({ name: 'lf_redis_eviction_policy_info', help: 'Redis maxmemory-policy (value 1).', labelNames: ['policy'] }),
    redisConnectedClients: base.gauge({ name: 'lf_redis_connected_clients', help: 'Redis connected_clients (summed over Cluster masters).' }),
    redisCommands: base.counter({ name: 'lf_redis_commands_processed_total', help: 'Commands Redis processed (total_commands_processed, summed over masters) since the dashboard started.' }),
    health: base.gauge({ name: 'lf_dashboard_health_info', help: 'Health level per panel (value 1 for the current level).', labelNames: ['panel', 'level'] }),
    samples: base.counter({ name: 'lf_dashboard_samples_total', help: 'Dashboard sampling ticks, by outcome (ok | error).', labelNames: ['outcome'] }),
    sampleDuration: base.histogram({ name: 'lf_dashboard_sample_duration_seconds', help: 'Wall time of one sampling tick.', buckets: LATENCY_BUCKETS_SECONDS }),
  };
}
