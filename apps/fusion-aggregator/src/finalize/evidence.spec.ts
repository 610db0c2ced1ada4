import type { ScoreRecord } from '@lf/contracts';
import { buildEvidence, decideStatus } from './evidence';

const record = (modality: string, over: Partial<ScoreRecord> = {}): ScoreRecord => ({
  modality,
  status: 'ok',
  probability: 0.25,
  logit: -1.1,
  modelId: modality,
  modelVersion: '1.0.0',
  latencyMs: 3,
  qualityFlags: [],
  ...over,
});

describe('buildEvidence', () => {
  it('maps each expected modality, in expected order', () => {
    const evidence = buildEvidence(['imaging', 'tabular', 'vitals', 'notes'], {
      vitals: record('vitals', { status: 'failed', probability: undefined, logit: undefined, error: 'boom' }),
      imaging: record('imaging', { probability: 0.7, logit: 0.9 }),
      notes: record('notes', { status: 'invalid', probability: undefined, logit: undefined }),
    });
    expect(evidence).toEqual([
      { modality: 'imaging', status: 'ok', probability: 0.7, logit: 0.9 },
      { modality: 'tabular', status: 'missing' },
      { modality: 'vitals', status: 'failed' },
      { modality: 'notes', status: 'invalid' },
    ]);
  });

  it('ignores records of modalities the case did not expect, and prototype names', () => {
    expect(buildEvidence(['tabular', 'constructor'], { imaging: record('imaging'), tabular: record('tabular') })).toEqual([
      { modality: 'tabular', status: 'ok', probability: 0.25, logit: -1.1 },
      { modality: 'constructor', status: 'missing' },
    ]);
  });
});

describe('decideStatus', () => {
  const ok = { modality: 'a', status: 'ok' as const, probability: 0.3 };
  const ok2 = { modality: 'b', status: 'ok' as const, probability: 0.6 };
  const missing = { modality: 'c', status: 'missing' as const };
  const failed = { modality: 'd', status: 'failed' as const };

  it('is complete when every modality contributed', () => {
    expect(decideStatus([ok, ok2], { degraded: false })).toBe('complete');
  });

  it('is degraded when some but not all contributed', () => {
    expect(decideStatus([ok, missing], { degraded: true })).toBe('degraded');
    expect(decideStatus([ok, failed], { degraded: true })).toBe('degraded');
  });

  it('follows fusion when it could not use an ok modality', () => {
    expect(decideStatus([ok, ok2], { degraded: true })).toBe('degraded');
  });

  it("treats an 'ok' record without a usable probability as unusable", () => {
    expect(decideStatus([ok, { modality: 'x', status: 'ok', probability: Number.NaN }], { degraded: true })).toBe('degraded');
    expect(decideStatus([{ modality: 'x', status: 'ok' }], { degraded: true })).toBe('failed');
  });

  it('is failed when nothing is usable', () => {
    expect(decideStatus([missing, failed], { degraded: true })).toBe('failed');
    expect(decideStatus([], { degraded: true })).toBe('failed');
  });
});
