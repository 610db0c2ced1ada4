import { defaultJobOptions, JOB_NAMES, jobIds, type ModalityRegistryEntry, type ScoreModalityJob } from '@lf/contracts';
import type { KeyBuilder } from '@lf/redis';
import type { BulkJob } from './bulk-adder';

/**
 * The jobs one registered case needs, decided purely: one score job per expected modality on its
 * registry queue (a claim check: the blob key, never the input). Job ids come from `jobIds`
 * (`<caseId>-<modality>`), so a retried submission cannot enqueue twice.
 *
 * No job carries the deadline: registration puts the case in the deadlines index, and the aggregator's
 * sweeper wakes for the earliest entry (by the Redis clock) and finalizes what falls due. An earlier
 * version also queued a delayed 'deadline' trigger per case; the sweeper was already the precise clock
 * and the safety net, so the job only cost a delayed add, its removal after every finalization and two
 * BullMQ scripts per case (see the README's performance notes).
 */
export interface CaseJobs {
  score: Array<{ queue: string; job: BulkJob<ScoreModalityJob> }>;
}

export interface CaseJobsInput {
  caseId: string;
  expected: readonly string[];
  traceId: string;
  submittedAt: number;
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
  return { score };
}
