import { jobIds, type FinalizeCause } from '@lf/contracts';

export const FINAL_STATUSES = ['complete', 'degraded', 'failed'] as const;
const CAUSES: readonly FinalizeCause[] = ['all-replied', 'deadline'];

/** The case and cause of a fusion trigger's job id (`jobIds.finalize`), or null for any other id. */
export function parseFinalizeJobId(jobId: string): { caseId: string; cause: FinalizeCause } | null {
  for (const cause of CAUSES) {
    const suffix = jobIds.finalize('', cause);
    if (jobId.length > suffix.length && jobId.endsWith(suffix)) return { caseId: jobId.slice(0, -suffix.length), cause };
  }
  return null;
}
