/** Data read back from Redis does not have the shape this library wrote (hand edits, a bug, a version skew). */
export class CorruptCaseDataError extends Error {
  override readonly name = 'CorruptCaseDataError';

  constructor(
    readonly caseId: string,
    /** The Redis key, plus the hash field when there is one: `lf:case:{id}:scores#imaging`. */
    readonly location: string,
    problem: string,
  ) {
    super(`corrupt data for case ${caseId} at ${location}: ${problem}`);
  }
}
