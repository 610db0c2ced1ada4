import type { Counter, Histogram } from 'prom-client';
import { createMetrics, type Metrics } from '@lf/observability';

/** The gateway's own series, on top of the shared registry (process/node metrics, `app` label). */
export interface GatewayMetrics {
  readonly base: Metrics;
  /** Accepted cases (202), by tenant (a bounded set: the configured API keys). */
  readonly casesSubmitted: Counter<'tenant'>;
  /** Requests refused before a case existed, by reason (invalid-body, malformed-json, body-too-large, ...). */
  readonly requestsRejected: Counter<'reason'>;
  /** Submissions that failed on Redis, by stage (register | enqueue): answered 503. */
  readonly submitErrors: Counter<'stage'>;
  /** Inputs present for a modality that is disabled or unknown (reported back as `ignored`). */
  readonly inputsIgnored: Counter<'modality'>;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
}

export function createGatewayMetrics(base: Metrics = createMetrics('gateway')): GatewayMetrics {
  return {
    base,
    casesSubmitted: base.counter({ name: 'lf_cases_submitted_total', help: 'Cases accepted (202), by tenant.', labelNames: ['tenant'] }),
    requestsRejected: base.counter({ name: 'lf_requests_rejected_total', help: 'Requests refused with a 4xx, by reason.', labelNames: ['reason'] }),
    submitErrors: base.counter({ name: 'lf_case_submit_errors_total', help: 'Submissions failed on Redis (503), by stage.', labelNames: ['stage'] }),
    inputsIgnored: base.counter({ name: 'lf_inputs_ignored_total', help: 'Inputs of disabled or unknown modalities, ignored.', labelNames: ['modality'] }),
    httpRequests: base.counter({ name: 'lf_http_requests_total', help: 'HTTP requests, by method, route template and status.', labelNames: ['method', 'route', 'status'] }),
    httpDuration: base.histogram({ name: 'lf_http_request_duration_seconds', help: 'HTTP request wall time.', labelNames: ['method', 'route'] }),
  };
}
