/**
 * The fusion panel's numbers from the cases finalized in the window (pure). Definitions:
 * - deadline slack = finalizedAt (the fence) - deadlineAt: negative for cases whose modalities all replied
 *   in time, positive = how late after its deadline a case was finalized (the sweeper's/aggregator's lag);
 * - degraded share = (degraded + failed) / finalized;
 * - per modality, over the finalized cases that expected it: reply rate = a score (any status) recorded
 *   before the fence, ok rate = an `ok` score before the fence, latency = score time - submission time.
 */
import { distribution, type Distribution } from '../stats/percentiles';
import type { FinalizedCase } from './case-record';

export interface ModalityFusionStats {
  expected: number;
  replied: number;
  ok: number;
  replyRate: number | null;
  okRate: number | null;
  latencyMs: Distribution | null;
}

export interface RecentFinalization {
  caseId: string;
  finalizedAt: number;
  completedBy: FinalizedCase['completedBy'];
  status: FinalizedCase['status'];
  latencyMs: number;
  slackMs: number;
  /** Expected modalities without a score before the fence. */
  missing: string[];
}

export interface FusionStats {
  windowSeconds: number;
  finalized: number;
  finalizedPerMinute: number;
  byCause: { 'all-replied': number; deadline: number };
  deadlineShare: number | null;
  byStatus: { complete: number; degraded: number; failed: number };
  degradedShare: number | null;
  modalities: Record<string, ModalityFusionStats>;
  deadlineSlackMs: Distribution | null;
  /** Slack of the deadline-finalized cases only: what the "deadline slack high" rule watches. */
  deadlineCauseSlackMs: Distribution | null;
  /** Submission to the fence. */
  latencyMs: Distribution | null;
  recent: RecentFinalization[];
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** `cases`: finalized within [now - windowMs, now]; `lastMinute`: how many of them within the last minute. */
export function computeFusionStats(cases: readonly FinalizedCase[], lastMinute: number, windowSeconds: number, recentCount = 10): FusionStats {
  const byCause = { 'all-replied': 0, deadline: 0 };
  const byStatus = { complete: 0, degraded: 0, failed: 0 };
  const perModality = new Map<string, { expected: number; replied: number; ok: number; latencies: number[] }>();
  for (const c of cases) {
    byCause[c.completedBy]++;
    byStatus[c.status]++;
    for (const modality of c.expected) {
      let m = perModality.get(modality);
      if (!m) perModality.set(modality, (m = { expected: 0, replied: 0, ok: 0, latencies: [] }));
      m.expected++;
      const reply = c.replies[modality];
      if (!reply) continue;
      m.replied++;
      if (reply.status === 'ok') m.ok++;
      m.latencies.push(Math.max(0, reply.at - c.submittedAt));
    }
  }
  const modalities: Record<string, ModalityFusionStats> = {};
  for (const [name, m] of [...perModality.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    modalities[name] = { expected: m.expected, replied: m.replied, ok: m.ok, replyRate: ratio(m.replied, m.expected), okRate: ratio(m.ok, m.expected), latencyMs: distribution(m.latencies) };
  }
  const newest = [...cases].sort((a, b) => b.finalizedAt - a.finalizedAt).slice(0, recentCount);
  return {
    windowSeconds,
    finalized: cases.length,
    finalizedPerMinute: lastMinute,
    byCause,
    deadlineShare: ratio(byCause.deadline, cases.length),
    byStatus,
    degradedShare: ratio(byStatus.degraded + byStatus.failed, cases.length),
    modalities,
    deadlineSlackMs: distribution(cases.map((c) => c.finalizedAt - c.deadlineAt)),
    deadlineCauseSlackMs: distribution(cases.filter((c) => c.completedBy === 'deadline').map((c) => c.finalizedAt - c.deadlineAt)),
    latencyMs: distribution(cases.map((c) => c.finalizedAt - c.submittedAt)),
    recent: newest.map((c) => ({
      caseId: c.caseId,
      finalizedAt: c.finalizedAt,
      completedBy: c.completedBy,
      status: c.status,
      latencyMs: c.finalizedAt - c.submittedAt,
      slackMs: c.finalizedAt - c.deadlineAt,
      missing: c.expected.filter((m) => !c.replies[m]),
    })),
  };
}
