import type { FinalizedCase } from './case-record';
import { computeFusionStats } from './fusion-stats';

const base = { expected: ['imaging', 'tabular'], submittedAt: 0, deadlineAt: 2000 };
const cases: FinalizedCase[] = [
  { ...base, caseId: 'a', finalizedAt: 300, completedBy: 'all-replied', status: 'complete', replies: { imaging: { status: 'ok', at: 250 }, tabular: { status: 'ok', at: 100 } } },
  { ...base, caseId: 'b', finalizedAt: 500, completedBy: 'all-replied', status: 'degraded', replies: { imaging: { status: 'failed', at: 450 }, tabular: { status: 'ok', at: 200 } } },
  { ...base, caseId: 'c', finalizedAt: 2010, completedBy: 'deadline', status: 'degraded', replies: { tabular: { status: 'ok', at: 300 } } },
  { ...base, caseId: 'd', finalizedAt: 2050, completedBy: 'deadline', status: 'failed', replies: {} },
];

describe('computeFusionStats', () => {
  const s = computeFusionStats(cases, 3, 300, 3);

  it('counts causes and statuses and their shares', () => {
    expect(s.finalized).toBe(4);
    expect(s.finalizedPerMinute).toBe(3);
    expect(s.byCause).toEqual({ 'all-replied': 2, deadline: 2 });
    expect(s.deadlineShare).toBe(0.5);
    expect(s.byStatus).toEqual({ complete: 1, degraded: 2, failed: 1 });
    expect(s.degradedShare).toBe(0.75);
  });

  it('gives per-modality reply and ok rates and reply latency from submission', () => {
    expect(s.modalities['imaging']).toEqual({ expected: 4, replied: 2, ok: 1, replyRate: 0.5, okRate: 0.25, latencyMs: { n: 2, p50: 250, p95: 450, p99: 450, max: 450 } });
    expect(s.modalities['tabular']).toEqual({ expected: 4, replied: 3, ok: 3, replyRate: 0.75, okRate: 0.75, latencyMs: { n: 3, p50: 200, p95: 300, p99: 300, max: 300 } });
  });

  it('computes the deadline slack (finalization - deadline) for all cases and for deadline-closed ones', () => {
    // slacks: -1700, -1500, 10, 50
    expect(s.deadlineSlackMs).toEqual({ n: 4, p50: -1500, p95: 50, p99: 50, max: 50 });
    expect(s.deadlineCauseSlackMs).toEqual({ n: 2, p50: 10, p95: 50, p99: 50, max: 50 });
    expect(s.latencyMs?.p50).toBe(500);
  });

  it('lists the newest finalizations with what was missing', () => {
    expect(s.recent.map((r) => r.caseId)).toEqual(['d', 'c', 'b']);
    expect(s.recent[0]).toEqual({ caseId: 'd', finalizedAt: 2050, completedBy: 'deadline', status: 'failed', latencyMs: 2050, slackMs: 50, missing: ['imaging', 'tabular'] });
  });

  it('has null shares and distributions for an empty window', () => {
    const empty = computeFusionStats([], 0, 300);
    expect(empty.degradedShare).toBeNull();
    expect(empty.deadlineShare).toBeNull();
    expect(empty.deadlineSlackMs).toBeNull();
    expect(empty.modalities).toEqual({});
  });
});
