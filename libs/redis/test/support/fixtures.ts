import { randomUUID } from 'node:crypto';
import type { ScoreRecord } from '@lf/contracts';
import type { CaseStore } from '../../src/case-store';
import type { CaseRegistration } from '../../src/case-store.types';

export function newCaseId(): string {
  return randomUUID();
}

/** A valid registration; the imaging blob is included whenever imaging is expected. */
export function registration(overrides: Partial<CaseRegistration> = {}): CaseRegistration {
  const expected = overrides.expected ?? ['imaging', 'tabular', 'vitals'];
  return {
    caseId: newCaseId(),
    tenant: 'tenant-a',
    expected,
    strategy: 'weighted-mean',
    deadlineMs: 60_000,
    blobs: expected.includes('imaging') ? { imaging: Buffer.from([0, 1, 2, 254, 255]) } : {},
    ttlSeconds: 3600,
    traceId: 'trace-1',
    ...overrides,
  };
}

export function score(modality: string, overrides: Partial<ScoreRecord> = {}): ScoreRecord {
  return {
    modality,
    status: 'ok',
    probability: 0.25,
    logit: -1.1,
    modelId: `${modality}-model`,
    modelVersion: '1.0.0',
    latencyMs: 12,
    qualityFlags: [],
    ...overrides,
  };
}

/** Waits until the Redis clock reaches `epochMs` (tests never compare against the local clock). */
export async function untilRedisTime(store: CaseStore, epochMs: number): Promise<void> {
  while ((await store.now()) < epochMs) await new Promise((r) => setTimeout(r, 10));
}
