import type { FusedRisk, ScoreRecord } from '@lf/contracts';
import type { CaseView } from './case-store.types';
import { caseResponse } from './case-response';

const score = (modality: string, over: Partial<ScoreRecord> = {}): ScoreRecord => ({
  modality,
  status: 'ok',
  probability: 0.3,
  logit: -0.8,
  modelId: modality,
  modelVersion: '1.0.0',
  latencyMs: 12,
  qualityFlags: [],
  ...over,
});

const fused = (over: Partial<FusedRisk> = {}): FusedRisk => ({
  strategy: 'log-odds',
  probability: 0.42,
  riskBand: 'moderate',
  degraded: false,
  contributions: [
    { modality: 'imaging', status: 'ok', weight: 0.25, contribution: 0.1 },
    { modality: 'tabular', status: 'ok', weight: 0.75, contribution: 0.3 },
  ],
  ...over,
});

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0, 0);

const view = (over: Partial<CaseView> = {}): CaseView => ({
  caseId: '0190a0b0-0000-7000-8000-000000000001',
  tenant: 'north',
  status: 'pending',
  expected: ['imaging', 'tabular'],
  strategy: 'log-odds',
  submittedAt: T0,
  deadlineAt: T0 + 2000,
  scores: {},
  late: {},
  ...over,
});

describe('caseResponse', () => {
  it('shows a pending case without a result (and without the tenant)', () => {
    expect(caseResponse(view({ scores: { imaging: score('imaging') } }))).toEqual({
      caseId: '0190a0b0-0000-7000-8000-000000000001',
      status: 'pending',
      submittedAt: '2025-01-01T12:00:00.000Z',
      deadlineAt: '2025-01-01T12:00:02.000Z',
    });
  });

  it('stays pending between the finalize fence and the stored result', () => {
    const finalizing = view({ status: 'finalizing' as CaseView['status'], finalizedAt: T0 + 50, completedBy: 'all-replied' });
    expect(caseResponse(finalizing)).toMatchObject({ status: 'pending' });
    expect(caseResponse(finalizing).finalizedAt).toBeUndefined();
  });

  it('shows a complete case with per-modality details', () => {
    const response = caseResponse(
      view({
        status: 'complete',
        finalizedAt: T0 + 85,
        completedBy: 'all-replied',
        scores: { imaging: score('imaging', { probability: 0.2 }), tabular: score('tabular', { probability: 0.5, modelVersion: '2.1.0', latencyMs: 4 }) },
        result: { status: 'complete', fused: fused() },
      }),
    );
    expect(response).toEqual({
      caseId: '0190a0b0-0000-7000-8000-000000000001',
      status: 'complete',
      submittedAt: '2025-01-01T12:00:00.000Z',
      deadlineAt: '2025-01-01T12:00:02.000Z',
      finalizedAt: '2025-01-01T12:00:00.085Z',
      result: {
        probability: 0.42,
        riskBand: 'moderate',
        strategy: 'log-odds',
        completedBy: 'all-replied',
        modalities: {
          imaging: { status: 'ok', probability: 0.2, weight: 0.25, modelVersion: '1.0.0', latencyMs: 12 },
          tabular: { status: 'ok', probability: 0.5, weight: 0.75, modelVersion: '2.1.0', latencyMs: 4 },
        },
        missing: [],
        late: [],
      },
    });
  });

  it('shows a degraded case: a failed modality, a missing one that later arrived late', () => {
    const response = caseResponse(
      view({
        expected: ['imaging', 'tabular', 'vitals'],
        status: 'degraded',
        finalizedAt: T0 + 2000,
        completedBy: 'deadline',
        scores: {
          tabular: score('tabular'),
          vitals: score('vitals', { status: 'failed', probability: undefined, logit: undefined, error: 'onnx session failed', latencyMs: 30 }),
        },
        late: { imaging: score('imaging', { probability: 0.9, latencyMs: 2500 }) },
        result: {
          status: 'degraded',
          fused: fused({
            degraded: true,
            contributions: [
              { modality: 'imaging', status: 'missing', weight: 0, contribution: 0 },
              { modality: 'tabular', status: 'ok', weight: 1, contribution: 0.2 },
              { modality: 'vitals', status: 'failed', weight: 0, contribution: 0 },
            ],
          }),
        },
      }),
    );
    expect(response.status).toBe('degraded');
    expect(response.result).toMatchObject({
      completedBy: 'deadline',
      missing: ['imaging'],
      late: ['imaging'],
      modalities: {
        imaging: { status: 'late', probability: 0.9, weight: 0, latencyMs: 2500 },
        tabular: { status: 'ok', probability: 0.3, weight: 1 },
        vitals: { status: 'failed', weight: 0, error: 'onnx session failed', modelVersion: '1.0.0' },
      },
    });
    expect(response.result!.modalities['vitals'].probability).toBeUndefined();
  });

  it('reports no risk for a failed case (the prior is not a patient risk)', () => {
    const response = caseResponse(
      view({
        status: 'failed',
        finalizedAt: T0 + 2000,
        completedBy: 'deadline',
        result: {
          status: 'failed',
          fused: fused({
            probability: 0.11,
            riskBand: 'low',
            degraded: true,
            contributions: [
              { modality: 'imaging', status: 'missing', weight: 0, contribution: 0 },
              { modality: 'tabular', status: 'missing', weight: 0, contribution: 0 },
            ],
          }),
        },
      }),
    );
    expect(response.status).toBe('failed');
    expect(response.result).toMatchObject({ probability: null, riskBand: null, missing: ['imaging', 'tabular'], late: [] });
    expect(response.result!.modalities['imaging']).toEqual({ status: 'missing', weight: 0 });
  });
});
