/**
 * The one retry/retention policy for BullMQ jobs of every queue (producers pass it to Queue.add or as a
 * queue's defaultJobOptions). A structural subset of BullMQ's JobsOptions, so contracts stays free of bullmq.
 * - attempts + exponential backoff: transient faults (Redis blip, ONNX hiccup) get retried quickly enough to
 *   beat a case deadline; a modality worker publishes a `failed` record on the last attempt.
 * - bounded retention (DESIGN.md 3): finished jobs must not grow Redis without limit; completed jobs are kept
 *   briefly (dedup by job id, dashboard drill-down), failed ones longer for diagnosis. `age` is in seconds.
 */
export interface DefaultJobOptions {
  attempts: number;
  backoff: { type: 'exponential'; delay: number };
  removeOnComplete: { age: number; count: number };
  removeOnFail: { age: number; count: number };
}

export const defaultJobOptions: Readonly<DefaultJobOptions> = Object.freeze({
  attempts: 3,
  backoff: Object.freeze({ type: 'exponential' as const, delay: 500 }),
  removeOnComplete: Object.freeze({ age: 3600, count: 1000 }),
  removeOnFail: Object.freeze({ age: 7 * 24 * 3600, count: 5000 }),
});
