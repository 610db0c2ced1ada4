// Imaging worker: consumes the 'imaging' queue (the modality registry may rename it), scores each case's imaging input
// with the ONNX model under models/imaging/, publishes a calibrated score record. Everything but the modality
// definition is the shared host in libs/modality-worker; env vars are listed in that lib's README.
import { bootstrapModalityWorker } from '@lf/modality-worker';
import { imagingModality } from './imaging.modality';

bootstrapModalityWorker(imagingModality).catch(() => {
  // bootstrapModalityWorker has logged why (config, Redis, model); a non-zero exit lets the orchestrator retry.
  process.exit(1);
});
