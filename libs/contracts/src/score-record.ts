import type { FusionStrategyName } from './case-request.schema';
import type { ModalityName } from './modality';

/** What a modality worker publishes for one case. */
export type ScoreStatus = 'ok' | 'failed' | 'invalid';

export interface ScoreRecord {
  modality: ModalityName;
  status: ScoreStatus;
  /** Calibrated probability in [0, 1]; present when status is 'ok'. */
  probability?: number;
  /** The model's raw (uncalibrated) logit; present when status is 'ok'. */
  logit?: number;
  modelId: string;
  modelVersion: string;
  latencyMs: number;
  qualityFlags: string[];
  /** Why scoring failed (no input values, ever). */
  error?: string;
}

/** What fusion sees per expected modality: a score record, or the fact that none arrived. */
export type EvidenceStatus = ScoreStatus | 'missing' | 'late';

export interface ModalityEvidence {
  modality: ModalityName;
  status: EvidenceStatus;
  /** Calibrated probability, only for status 'ok'. */
  probability?: number;
  /** Raw logit, only for status 'ok'. */
  logit?: number;
}

export type RiskBand = 'low' | 'moderate' | 'high';

export interface ModalityContribution {
  modality: ModalityName;
  status: EvidenceStatus;
  /** Normalized weight in [0, 1]; 0 for anything but 'ok'. Weights of present modalities sum to 1. */
  weight: number;
  /** Signed contribution to the fused log-odds relative to the prior (0 when absent). */
  contribution: number;
}

export interface FusedRisk {
  strategy: FusionStrategyName;
  probability: number;
  riskBand: RiskBand;
  contributions: ModalityContribution[];
  /** True when any expected modality is not 'ok'. */
  degraded: boolean;
}
