import type { ScoreRecord } from '@lf/contracts';
import type { RecordScoreOutcome } from '@lf/redis';

/** The part of libs/redis's CaseStore a modality worker uses (a fake implements it in unit tests). */
export interface WorkerCaseStore {
  /** The claim-checked modality input, or null once it expired (or never existed). */
  readBlob(blobKey: string): Promise<Buffer | null>;
  /**
   * Atomic, first record per modality wins. 'all-replied' for the call that completes the case, and again for
   * a repeat while the case is still pending (see recordScore-4.lua).
   */
  recordScore(caseId: string, record: ScoreRecord): Promise<RecordScoreOutcome>;
}
