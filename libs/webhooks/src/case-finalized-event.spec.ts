import type { ScoreRecord } from '@lf/contracts';
import type { CaseView } from '@lf/redis';
import { caseFinalizedEvent } from './case-finalized-event';

const record = (modality: string, over: Partial<ScoreRecord> = {}): ScoreRecord => ({
  modality,
  status: 'ok',
  probability: 0.4,
  logit: -0.4,
  modelId: modality,
  modelVersion: '1.0.0',
  latencyMs: 12,
  qualityFlags: [],
  ...over,
});

const view = (over: Partial<CaseView> = {}): CaseView => ({
  caseId: 'c1',
  tenant: 'north',
  status: 'degraded',
  expected: ['imaging', 'tabular', 'vitals'],
  strategy: 'stacking',
  submittedAt: Date.parse('2026-11-26T08:00:00.000Z'),
  deadlineAt: Date.parse('2026-11-26T08:00:02.000Z'),
  finalizedAt: Date.parse('2026-11-26T08:00:02.004Z'),
  completedBy: 'deadline',
  scores: { imaging: record('imaging', { probability: 0.3 }), tabular: record('tabular', { status: 'failed', probability: undefined, error: 'model threw' }) },
  late: { vitals: record('vitals', { probability: 0.9 }) },
  result: {
    status: 'degraded',
    fused: {
      strategy: 'stacking',
      probability: 0.27,
      riskBand: 'high',
      degraded: true,
      contributions: [
        { modality: 'imaging', status: 'ok', weight: 1, contribution: 0.1 },
        { modality: 'tabular', status: 'failed', weight: 0, contribution: 0 },
        { modality: 'vitals', status: 'missing', weight: 0, contribution: 0 },
      ],
    },
  },
  ...over,
});

describe('caseFinalizedEvent', () => {
  it('has the event envelope and the GET /v1/cases result shape', () => {
    expect(caseFinalizedEvent(view(), 'evt_c1_finalized')).toEqual({
      id: 'evt_c1_finalized',
      type: 'case.finalized',
      createdAt: '2026-11-26T08:00:02.004Z',
      data: {
        caseId: 'c1',
        status: 'degraded',
        submittedAt: '2026-11-26T08:00:00.000Z',
        finalizedAt: '2026-11-26T08:00:02.004Z',
        result: {
          probability: 0.27,
          riskBand: 'high',
          strategy: 'stacking',
          completedBy: 'deadline',
          modalities: {
            imaging: { status: 'ok', probability: 0.3, weight: 1, modelVersion: '1.0.0', latencyMs: 12 },
            tabular: { status: 'failed', weight: 0, modelVersion: '1.0.0', latencyMs: 12, error: 'model threw' },
            vitals: { status: 'late', probability: 0.9, weight: 0, modelVersion: '1.0.0', latencyMs: 12 },
          },
          missing: ['vitals'],
          late: ['vitals'],
        },
      },
    });
  });

  it('carries no probability or risk band for a failed case', () => {
    const failed = view({ result: { status: 'failed', fused: { ...view().result!.fused, probability: 0.12, riskBand: 'moderate' } } });
    expect(caseFinalizedEvent(failed, 'e').data.result).toMatchObject({ probability: null, riskBand: null });
    expect(caseFinalizedEvent(failed, 'e').data.status).toBe('failed');
  });

  it('holds nothing but ids, times and scores: no tenant, trace id or patient data', () => {
    const json = JSON.stringify(caseFinalizedEvent(view(), 'e'));
    expect(json).not.toContain('north');
    expect(json).not.toMatch(/patient|tenant|trace|input/i);
  });

  it('refuses a case without a stored result', () => {
    expect(() => caseFinalizedEvent(view({ result: undefined }), 'e')).toThrow(/no stored result/);
  });
});
