import type { Queue } from 'bullmq';
import { JOB_NAMES, jobIds, type JobOf } from '@lf/contracts';

/** Enqueues the fusion trigger for a case whose expected modalities have all replied. */
export interface FusionTrigger {
  allReplied(caseId: string, traceId: string): Promise<void>;
}

/**
 * The trigger as a BullMQ job on the fusion queue. The job id is deterministic, so a second trigger for the
 * same case (a redelivered score job) is dropped by BullMQ; a duplicate that slips through is still harmless
 * because the aggregator's finalize fence admits one finalization per case.
 */
export class QueueFusionTrigger implements FusionTrigger {
  constructor(
    private readonly queue: Pick<Queue, 'add'>,
    private readonly jobOptions: { attempts: number } & Record<string, unknown>,
  ) {}

  async allReplied(caseId: string, traceId: string): Promise<void> {
    const payload: JobOf<typeof JOB_NAMES.finalizeCase> = { caseId, cause: 'all-replied', traceId };
    await this.queue.add(JOB_NAMES.finalizeCase, payload, { ...this.jobOptions, jobId: jobIds.finalize(caseId, 'all-replied') });
  }
}
