import type { Counter, Gauge, Histogram } from 'prom-client';
import { BATCH_SIZE_BUCKETS, LATENCY_BUCKETS_SECONDS, type Metrics } from '@lf/observability';

/**
 * What a modality worker measures (docs/metrics.md), on its app's registry. Create once per registry.
 * `modality` is the worker's modality: model series carry it so one query covers every worker.
 */
export interface WorkerMetrics extends Metrics {
  readonly modality: string;
  /** Jobs handled, by queue and what this attempt ended in (ok | invalid | failed | retry). */
  readonly jobsProcessed: Counter<'queue' | 'status'>;
  /** Wall time of one job attempt. */
  readonly jobDuration: Histogram<'queue' | 'status'>;
  /** Wall time of one model run (one micro-batch), by modality, model and model version. */
  readonly modelInference: Histogram<'modality' | 'model' | 'model_version'>;
  /** Items per model run: how well micro-batching works. */
  readonly inferenceBatchSize: Histogram<'modality' | 'model'>;
  /** 1 for the model version being served (labels name it), removed when swapped out. */
  readonly modelLoaded: Gauge<'modality' | 'model' | 'model_version'>;
  readonly modelReloads: Counter<'modality' | 'model' | 'outcome'>;
  /** Score records written to a case (not duplicates), by modality and record status. */
  readonly scoresPublished: Counter<'modality' | 'status'>;
  /** What recordScore answered: recorded | all-replied | late | duplicate | unknown-case | unexpected-modality. */
  readonly scoreOutcomes: Counter<'modality' | 'outcome'>;
  /** Submission (the job's enqueue time) to the score recorded on its still-pending case. */
  readonly modalityReply: Histogram<'modality' | 'status'>;
}

/** Submission to reply: a fast tabular score to an imaging job that waited through retries and backoff. */
export const REPLY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export function createWorkerMetrics(metrics: Metrics, modality: string): WorkerMetrics {
  return {
    ...metrics,
    modality,
    jobsProcessed: metrics.counter({ name: 'lf_jobs_processed_total', help: 'Jobs handled, by queue and outcome of the attempt.', labelNames: ['queue', 'status'] }),
    jobDuration: metrics.histogram({ name: 'lf_job_duration_seconds', help: 'Wall time of one job attempt.', labelNames: ['queue', 'status'], buckets: LATENCY_BUCKETS_SECONDS }),
    modelInference: metrics.histogram({
      name: 'lf_model_inference_seconds',
      help: 'Wall time of one model run (one micro-batch), by modality, model and model version.',
      labelNames: ['modality', 'model', 'model_version'],
      buckets: LATENCY_BUCKETS_SECONDS,
    }),
    inferenceBatchSize: metrics.histogram({
      name: 'lf_model_inference_batch_items',
      help: 'Items per model run (micro-batch size).',
      labelNames: ['modality', 'model'],
      buckets: BATCH_SIZE_BUCKETS,
    }),
    modelLoaded: metrics.gauge({
      name: 'lf_model_loaded_info',
      help: 'The model version a worker serves (value 1).',
      labelNames: ['modality', 'model', 'model_version'],
    }),
    modelReloads: metrics.counter({
      name: 'lf_model_reloads_total',
      help: 'Model reload attempts, by outcome (swapped | unchanged | failed).',
      labelNames: ['modality', 'model', 'outcome'],
    }),
    scoresPublished: metrics.counter({
      name: 'lf_scores_published_total',
      help: 'Score records published to cases, by modality and record status.',
      labelNames: ['modality', 'status'],
    }),
    scoreOutcomes: metrics.counter({
      name: 'lf_score_outcomes_total',
      help: 'What recording a score did to its case (recorded, all-replied, late, duplicate, ...).',
      labelNames: ['modality', 'outcome'],
    }),
    modalityReply: metrics.histogram({
      name: 'lf_modality_reply_seconds',
      help: 'Submission (job enqueue) to the score recorded on its pending case, by modality and record status.',
      labelNames: ['modality', 'status'],
      buckets: REPLY_BUCKETS_SECONDS,
    }),
  };
}
