// Tabular worker: consumes the 'tabular' queue (the modality registry may rename it), scores each case's tabular input
// with the ONNX model under models/tabular/, publishes a calibrated score record. Everything but the modality
// definition is the shared host in libs/modality-worker; env vars are listed in that lib's README.
import { bootstrapModalityWorker } from '@lf/modality-worker';
import { tabularModality } from './tabular.modality';

bootstrapModalityWorker(tabularModality).catch(() => {
  // bootstrapModalityWorker has logged why (config, Redis, model); a non-zero exit lets the orchestrator retry.
  process.exit(1);
});
