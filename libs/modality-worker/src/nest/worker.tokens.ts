/** Injection tokens of the worker module; the values are built by bootstrapModalityWorker. */
export const SCORE_HANDLER = Symbol('ScoreModalityHandler');
export const WORKER_BULL_CONFIG_KEY = 'modality-worker';
