import type { Counter, Histogram } from 'prom-client';
import { createMetrics, type Metrics } from '@lf/observability';

export interface DispatcherMetrics {
  readonly base: Metrics;
  /**
   * Delivery jobs by outcome: delivered (2xx), retry (failed attempt, another follows), failed (last attempt
   * failed or permanent: the job is in the failed set), skipped (webhook deleted or case expired meanwhile).
   */
  readonly deliveries: Counter<'outcome'>;
  /** One HTTP attempt (DNS check, connect, response headers), by result: ok, http-status, redirect, timeout, network, blocked. */
  readonly deliveryDuration: Histogram<'result'>;
}

const DELIVERY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createDispatcherMetrics(base: Metrics = createMetrics('webhook-dispatcher')): DispatcherMetrics {
  return {
    base,
    deliveries: base.counter({ name: 'lf_webhook_deliveries_total', help: 'Webhook delivery jobs, by outcome.', labelNames: ['outcome'] }),
    deliveryDuration: base.histogram({
      name: 'lf_webhook_delivery_seconds',
      help: 'Wall time of one webhook delivery attempt, by result.',
      labelNames: ['result'],
      buckets: DELIVERY_BUCKETS_SECONDS,
    }),
  };
}
