import type { ScoreRecord } from '@lf/contracts';
import type { CaseEvent, CaseView } from '@lf/redis';
import { formatSse, toSseEvent } from './case-sse';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const record = (modality: string, over: Partial<ScoreRecord> = {}): ScoreRecord => ({
  modality,
  status: 'ok',
  probability: 0.3,
  logit: -0.8,
  modelId: modality,
  modelVersion: '1.2.0',
  latencyMs: 9,
  qualityFlags: [],
  ...over,
});
const view: CaseView = {
  caseId: 'c1',
  tenant: 'north',
  status: 'complete',
  expected: ['tabular', 'vitals'],
  strategy: 'stacking',
  submittedAt: T0,
  deadlineAt: T0 + 2000,
  finalizedAt: T0 + 500,
  completedBy: 'deadline',
  scores: { tabular: record('tabular') },
  late: { vitals: record('vitals', { probability: 0.9 }) },
  result: {
    status: 'degraded',
    fused: { strategy: 'stacking', probability: 0.31, riskBand: 'low', degraded: true, contributions: [{ modality: 'tabular', status: 'ok', weight: 1, contribution: 0 }] },
  },
};
const entry = (type: CaseEvent['type'], over: Partial<CaseEvent> = {}): CaseEvent => ({ id: `${T0}-1`, type, at: T0 + 100, ...over });

describe('toSseEvent', () => {
  it('maps each lifecycle step, with the stored score or result and the stream id', () => {
    expect(toSseEvent('c1', entry('submitted'), view)).toEqual({ id: `${T0}-1`, event: 'submitted', data: { type: 'submitted', caseId: 'c1', at: '2026-01-01T12:00:00.100Z' } });
    expect(toSseEvent('c1', entry('score', { modality: 'tabular', detail: 'ok' }), view)!.data).toEqual({
      type: 'score',
      caseId: 'c1',
      at: '2026-01-01T12:00:00.100Z',
      modality: 'tabular',
      status: 'ok',
      probability: 0.3,
      modelVersion: '1.2.0',
      latencyMs: 9,
    });
    expect(toSseEvent('c1', entry('finalized', { detail: 'deadline' }), view)!.data).toMatchObject({ type: 'finalized', completedBy: 'deadline' });
    expect(toSseEvent('c1', entry('late-score', { modality: 'vitals', detail: 'ok' }), view)).toMatchObject({ event: 'late-score', data: { modality: 'vitals', probability: 0.9 } });
    const result = toSseEvent('c1', entry('result-stored', { detail: 'degraded' }), view)!;
    expect(result.event).toBe('result');
    expect(result.data).toMatchObject({ type: 'result', caseId: 'c1', status: 'degraded', finalizedAt: '2026-01-01T12:00:00.500Z', result: { probability: 0.31, late: ['vitals'] } });
  });

  it('falls back to what the entry says when the records are gone', () => {
    expect(toSseEvent('c1', entry('score', { modality: 'imaging', detail: 'invalid' }), null)!.data).toEqual({
      type: 'score',
      caseId: 'c1',
      at: '2026-01-01T12:00:00.100Z',
      modality: 'imaging',
      status: 'invalid',
    });
    expect(toSseEvent('c1', entry('result-stored', { detail: 'failed' }), null)!.data).toMatchObject({ type: 'result', status: 'failed' });
  });

  it('skips entries that are not lifecycle steps', () => {
    expect(toSseEvent('c1', entry('webhook-delivered', { webhookId: 'w1', detail: 'HTTP 204' }), view)).toBeUndefined();
  });
});

describe('formatSse', () => {
  it('writes id, event and one data line, ending with a blank line', () => {
    const text = formatSse({ id: '1-0', event: 'submitted', data: { type: 'submitted', caseId: 'c', at: 'x' } });
    expect(text).toBe('id: 1-0\nevent: submitted\ndata: {"type":"submitted","caseId":"c","at":"x"}\n\n');
  });

  it('never lets a value break the framing', () => {
    const text = formatSse(toSseEvent('c1', entry('score', { modality: 'tabular' }), { ...view, scores: { tabular: record('tabular', { status: 'failed', error: 'bad\n\ndata: injected' }) } })!);
    expect(text.split('\n\n')).toHaveLength(2);
    expect(text.match(/^data: /gm)).toHaveLength(1);
  });
});
