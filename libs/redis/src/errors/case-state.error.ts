/** An operation that the case's current state does not allow (e.g. storing a result before the fence). */
export class CaseStateError extends Error {
  override readonly name = 'CaseStateError';

  constructor(
    readonly caseId: string,
    readonly reason: 'unknown-case' | 'not-fenced',
    message: string,
  ) {
    super(message);
  }
}
