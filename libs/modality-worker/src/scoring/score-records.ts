import type { ModalityName, ScoreRecord } from '@lf/contracts';

export interface ModelRef {
  modelId: string;
  modelVersion: string;
}

const MAX_ERROR_TEXT = 300;

/** Error text for a record: one line, bounded. Callers pass our own messages, never parser output or inputs. */
export function errorText(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_ERROR_TEXT ? `${line.slice(0, MAX_ERROR_TEXT)}...` : line;
}

export function okRecord(
  modality: ModalityName,
  model: ModelRef,
  score: { probability: number; logit: number; latencyMs: number; qualityFlags: string[] },
): ScoreRecord {
  return { modality, status: 'ok', ...model, ...score };
}

export function invalidRecord(modality: ModalityName, model: ModelRef, error: string, latencyMs: number, qualityFlags: string[] = []): ScoreRecord {
  return { modality, status: 'invalid', ...model, latencyMs, qualityFlags, error: errorText(error) };
}

export function failedRecord(modality: ModalityName, model: ModelRef, error: string, latencyMs: number): ScoreRecord {
  return { modality, status: 'failed', ...model, latencyMs, qualityFlags: [], error: errorText(error) };
}
