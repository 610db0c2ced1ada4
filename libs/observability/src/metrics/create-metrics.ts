import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { assertLabelNames, assertMetricName, type MetricKind } from './metric-name';

/** Seconds; from a sub-millisecond batched inference to a slow job waiting on retries. */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64];

export interface MetricSpec<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

export interface HistogramSpec<L extends string> extends MetricSpec<L> {
  buckets?: number[];
}

/**
 * One registry per app (not prom-client's global one, so tests and several apps in one process stay apart)
 * and factories that enforce the naming scheme (metric-name.ts, docs/metrics.md) on every metric an app adds.
 * Apps add only the series they move (an app never exposes an always-empty series of another app's).
 */
export interface Metrics {
  readonly registry: Registry;
  counter<L extends string>(spec: MetricSpec<L>): Counter<L>;
  gauge<L extends string>(spec: MetricSpec<L>): Gauge<L>;
  histogram<L extends string>(spec: HistogramSpec<L>): Histogram<L>;
}

export interface MetricsOptions {
  /** Node process metrics (CPU, memory, event-loop lag, GC) under their standard names. Default true. */
  defaultMetrics?: boolean;
}

/** Sampling period of nodejs_eventloop_lag_* (ms). */
export const EVENT_LOOP_SAMPLE_MS = 100;

export function createMetrics(app: string, options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  // Default metrics keep their standard names (process_*, nodejs_*) so stock dashboards work; the `app` label
  // on every series tells the apps apart.
  registry.setDefaultLabels({ app });
  // The event-loop lag histogram samples with a libuv timer; prom-client's default 10 ms woke every idle
  // process 100 times a second (~10 ms of CPU per second each on this VM, where a wake-up is expensive).
  // 100 ms still catches any stall long enough to matter for a 5 s deadline.
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });

  const check = (kind: MetricKind, spec: MetricSpec<string>) => {
    assertMetricName(kind, spec.name);
    assertLabelNames(spec.name, spec.labelNames ?? []);
  };
  const counter = <L extends string>(spec: MetricSpec<L>) => {
    check('counter', spec);
    return new Counter<L>({ name: spec.name, help: spec.help, labelNames: spec.labelNames ?? [], registers: [registry] });
  };
  const gauge = <L extends string>(spec: MetricSpec<L>) => {
    check('gauge', spec);
    return new Gauge<L>({ name: spec.name, help: spec.help, labelNames: spec.labelNames ?? [], registers: [registry] });
  };
  const histogram = <L extends string>(spec: HistogramSpec<L>) => {
    check('histogram', spec);
    return new Histogram<L>({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames ?? [],
      buckets: spec.buckets ?? LATENCY_BUCKETS_SECONDS,
      registers: [registry],
    });
  };

  return {
    registry,
    counter,
    gauge,
    histogram,
  };
}
