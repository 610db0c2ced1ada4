import type { ScoreRecord } from '@lf/contracts';
import type { CaseView, RecordScoreOutcome } from '@lf/redis';
import type { WorkerCaseStore } from '../../src/processing/worker-case-store';

/** In-memory stand-in for CaseStore's worker-facing methods, with the outcomes of recordScore-4.lua. */
export class FakeCaseStore implements WorkerCaseStore {
  readonly blobs = new Map<string, Buffer>();
  readonly cases = new Map<string, CaseView>();
  readonly recordCalls: Array<{ caseId: string; record: ScoreRecord }> = [];
  failNextRecord: Error | undefined;

  addCase(caseId: string, expected: string[], blobs: Record<string, unknown> = {}): void {
    this.cases.set(caseId, {
      caseId,
      tenant: 't1',
      status: 'pending',
      expected,
      strategy: 'weighted-mean',
      submittedAt: 0,
      deadlineAt: 10_000,
      scores: {},
      late: {},
    });
    for (const [modality, input] of Object.entries(blobs)) this.blobs.set(blobKey(caseId, modality), Buffer.from(typeof input === 'string' ? input : JSON.stringify(input)));
  }

  async readBlob(key: string): Promise<Buffer | null> {
    return this.blobs.get(key) ?? null;
  }

  async recordScore(caseId: string, record: ScoreRecord): Promise<RecordScoreOutcome> {
    this.recordCalls.push({ caseId, record });
    if (this.failNextRecord) {
      const e = this.failNextRecord;
      this.failNextRecord = undefined;
      throw e;
    }
    const view = this.cases.get(caseId);
    if (!view) return 'unknown-case';
    if (!view.expected.includes(record.modality)) return 'unexpected-modality';
    if (view.scores[record.modality]) {
      const allIn = view.expected.every((m) => view.scores[m]);
      return view.status === 'pending' && allIn ? 'all-replied' : 'duplicate';
    }
    if (view.late[record.modality]) return 'duplicate';
    if (view.status !== 'pending') {
      view.late[record.modality] = record;
      return 'late';
    }
    view.scores[record.modality] = record;
    return view.expected.every((m) => view.scores[m]) ? 'all-replied' : 'recorded';
  }

  async get(caseId: string): Promise<CaseView | null> {
    return this.cases.get(caseId) ?? null;
  }
}

export const blobKey = (caseId: string, modality: string) => `lf:blob:{${caseId}}:${modality}`;
