// Vitals worker: consumes the 'vitals' queue (the modality registry may rename it), scores each case's vitals input
// with the ONNX model under models/vitals/, publishes a calibrated score record. Everything but the modality
// definition is the shared host in libs/modality-worker; env vars are listed in that lib's README.
import { bootstrapModalityWorker } from '@lf/modality-worker';
import { vitalsModality } from './vitals.modality';

bootstrapModalityWorker(vitalsModality).catch(() => {
  // bootstrapModalityWorker has logged why (config, Redis, model); a non-zero exit lets the orchestrator retry.
  process.exit(1);
});
