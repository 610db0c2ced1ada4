/** A stored webhook record does not have the shape WebhookStore wrote (hand edits, a bug, a version skew). */
export class CorruptWebhookDataError extends Error {
  override readonly name = 'CorruptWebhookDataError';

  constructor(
    /** The Redis key and hash field: `lf:tenant:{north}:webhooks#wh_...`. */
    readonly location: string,
    problem: string,
  ) {
    super(`corrupt webhook record at ${location}: ${problem}`);
  }
}
