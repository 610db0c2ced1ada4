/** The slice of a failed BullMQ job that decides whether it will run again. */
export interface FailedJobView {
  attemptsMade: number;
  opts: { attempts?: number };
}

/**
 * Will BullMQ never run this job again? Either its attempts are used up, or it failed with an
 * UnrecoverableError. The second case matters for a job that stalled more than `maxStalledCount` times
 * (a worker crashed on it twice): BullMQ fails it with UnrecoverableError('job stalled more than allowable
 * limit') without running the processor, and counts that as one attempt, so its attempts look unspent.
 */
export function isFinalFailure(job: FailedJobView, error: Error | undefined): boolean {
  if (error?.name === 'UnrecoverableError') return true;
  return job.attemptsMade >= (job.opts.attempts ?? 1);
}
