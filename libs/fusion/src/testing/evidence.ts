import type { ModalityEvidence } from '@lf/contracts';
import type { FusionContext } from '../strategies/fusion-context';

/** Test shorthands. */
export const ok = (modality: string, probability: number): ModalityEvidence => ({ modality, status: 'ok', probability });
export const absent = (modality: string, status: 'missing' | 'failed' | 'invalid' | 'late' = 'missing'): ModalityEvidence => ({
  modality,
  status,
});
export const context: FusionContext = { prior: 0.1, riskBands: { moderate: 0.2, high: 0.5 } };
