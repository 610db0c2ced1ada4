import type { Counter, Gauge } from 'prom-client';
import type { Metrics } from '@lf/observability';

/** The shared app metrics plus what only a modality worker has. Create once per registry. */
export interface WorkerMetrics extends Metrics {
  /** 1 for the model version being served (labels name it), removed when swapped out. */
  readonly modelLoaded: Gauge<'model' | 'version'>;
  readonly modelReloads: Counter<'model' | 'status'>;
  /** What recordScore answered: recorded | all-replied | late | duplicate | unknown-case | unexpected-modality. */
  readonly scoreOutcomes: Counter<'modality' | 'outcome'>;
}

export function createWorkerMetrics(metrics: Metrics): WorkerMetrics {
  return {
    ...metrics,
    modelLoaded: metrics.gauge({ name: 'lf_model_loaded_info', help: 'The model version a worker serves (value 1).', labelNames: ['model', 'version'] }),
    modelReloads: metrics.counter({
      name: 'lf_model_reloads_total',
      help: 'Model reload attempts, by outcome (swapped | unchanged | failed).',
      labelNames: ['model', 'status'],
    }),
    scoreOutcomes: metrics.counter({
      name: 'lf_score_outcomes_total',
      help: "What recording a score did to its case (recorded, all-replied, late, duplicate, ...).",
      labelNames: ['modality', 'outcome'],
    }),
  };
}
