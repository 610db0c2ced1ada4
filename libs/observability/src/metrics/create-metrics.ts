import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { assertMetricName } from './metric-name';

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
 * One registry per app (not prom-client's global one, so tests and several apps in one process stay apart),
 * the metrics every app shares, and factories that enforce the naming scheme (metric-name.ts) for the rest.
 */
export interface Metrics {
  readonly registry: Registry;
  /** Jobs handled, by queue and final status of this attempt (ok | invalid | failed | retry | ...). */
  readonly jobsProcessed: Counter<'queue' | 'status'>;
  /** Wall time of one job attempt. */
  readonly jobDuration: Histogram<'queue' | 'status'>;
  /** Wall time of one ONNX run (one micro-batch), per model and version. */
  readonly modelInference: Histogram<'model' | 'version'>;
  /** Items per ONNX run: how well micro-batching works. */
  readonly inferenceBatchSize: Histogram<'model'>;
  /** Score records written to a case, by modality and record status. */
  readonly scoresPublished: Counter<'modality' | 'status'>;
  counter<L extends string>(spec: MetricSpec<L>): Counter<L>;
  gauge<L extends string>(spec: MetricSpec<L>): Gauge<L>;
  histogram<L extends string>(spec: HistogramSpec<L>): Histogram<L>;
}

export interface MetricsOptions {
  /** Node process metrics (CPU, memory, event-loop lag, GC) under their standard names. Default true. */
  defaultMetrics?: boolean;
}

export function createMetrics(app: string, options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  // Default metrics keep their standard names (process_*, nodejs_*) so stock dashboards work; the `app` label
  // on every series tells the apps apart.
  registry.setDefaultLabels({ app });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const counter = <L extends string>(spec: MetricSpec<L>) => {
    assertMetricName('counter', spec.name);
    return new Counter<L>({ name: spec.name, help: spec.help, labelNames: spec.labelNames ?? [], registers: [registry] });
  };
  const gauge = <L extends string>(spec: MetricSpec<L>) => {
    assertMetricName('gauge', spec.name);
    return new Gauge<L>({ name: spec.name, help: spec.help, labelNames: spec.labelNames ?? [], registers: [registry] });
  };
  const histogram = <L extends string>(spec: HistogramSpec<L>) => {
    assertMetricName('histogram', spec.name);
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
    jobsProcessed: counter({ name: 'lf_jobs_processed_total', help: 'Jobs handled, by queue and outcome.', labelNames: ['queue', 'status'] }),
    jobDuration: histogram({ name: 'lf_job_duration_seconds', help: 'Wall time of one job attempt.', labelNames: ['queue', 'status'] }),
    modelInference: histogram({
      name: 'lf_model_inference_seconds',
      help: 'Wall time of one model run (one micro-batch).',
      labelNames: ['model', 'version'],
    }),
    inferenceBatchSize: histogram({
      name: 'lf_model_inference_batch_items',
      help: 'Items per model run (micro-batch size).',
      labelNames: ['model'],
      buckets: BATCH_SIZE_BUCKETS,
    }),
    scoresPublished: counter({
      name: 'lf_scores_published_total',
      help: 'Score records published to cases, by modality and record status.',
      labelNames: ['modality', 'status'],
    }),
  };
}
