import {
  defaultJobOptions,
  JOB_NAMES,
  jobIds,
  type FinalizeCaseJob,
  type ModalityRegistryEntry,
  type ScoreModalityJob,
} from '@lf/contracts';
import type { KeyBuilder } from '@lf/redis';
import type { BulkJob } from './bulk-adder';

/**
 * The jobs one registered case needs, decided purely: one score job per expected modality on its
 * registry queue (a claim check: the blob key, never the input) and one delayed 'deadline' fusion trigger.
 * Job ids come from `jobIds` (`<caseId>-<suffix>`), so a retried submission cannot enqueue twice.
 */
export interface CaseJobs {
  score: Array<{ queue: string; job: BulkJob<ScoreModalityJob> }>;
  deadline: BulkJob<FinalizeCaseJob>;
}

export interface CaseJobsInput {
  caseId: string;
  expected: readonly string[];
  traceId: string;
  submittedAt: number;
  deadlineAt: number;
  /**
   * Redis time the jobs are queued at, when that is later than `submittedAt` (a retry finishing a submission
   * that crashed part-way): the deadline trigger is delayed from now, not from the submission.
   */
  now?: number;
}

export function caseJobs(
  input: CaseJobsInput,
  registry: readonly ModalityRegistryEntry[],
  keys: KeyBuilder,
  attempts: number = defaultJobOptions.attempts,
): CaseJobs {
  const retry = { ...defaultJobOptions, attempts };
  const score = input.expected.map((modality) => {
    const entry = registry.find((e) => e.name === modality && e.enabled);
    if (!entry) throw new Error(`caseJobs: '${modality}' is not an enabled registry entry`);
    const data: ScoreModalityJob = {
      caseId: input.caseId,
      modality,
      blobKey: keys.blob(input.caseId, modality),
      traceId: input.traceId,
      submittedAt: input.submittedAt,
    };
    return { queue: entry.queue, job: { name: JOB_NAMES.scoreModality, data, opts: { ...retry, jobId: jobIds.score(input.caseId, modality) } } };
  });
  const deadline: BulkJob<FinalizeCaseJob> = {
    name: JOB_NAMES.finalizeCase,
    data: { caseId: input.caseId, cause: 'deadline', traceId: input.traceId },
    opts: {
      ...retry,
      jobId: jobIds.finalize(input.caseId, 'deadline'),
      // Both times are Redis TIME; BullMQ schedules by the process clock, so an early firing is possible
      // when clocks disagree: the fence then says 'not-due' and the aggregator re-delays the job.
      delay: Math.max(0, input.deadlineAt - (input.now ?? input.submittedAt)),
    },
  };
  return { score, deadline };
}
