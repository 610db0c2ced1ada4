import { PROBLEM_TYPES, ProblemException, simpleProblem, type Problem } from '../http/problem';

/** Problem types of the submission and result routes, beyond the shared ones in http/problem.ts. */
export const CASE_PROBLEM_TYPES = {
  /** The Idempotency-Key was already used with a different body. */
  idempotencyConflict: 'urn:lf:problem:idempotency-key-conflict',
  /** The Idempotency-Key names a case that no longer exists (expired or evicted). */
  idempotencyExpired: 'urn:lf:problem:idempotency-key-expired',
  /** A header or query parameter is malformed (Idempotency-Key, Last-Event-ID, ?wait=). */
  invalidParameter: 'urn:lf:problem:invalid-parameter',
  /** multipart/form-data that is not well formed, or whose parts are not `case` + `image`. */
  invalidMultipart: 'urn:lf:problem:invalid-multipart',
  /** The batch envelope (`{ "cases": [...] }`) is malformed; item problems are reported per item. */
  invalidBatch: 'urn:lf:problem:invalid-batch',
} as const;

/** A 400 naming one header, query parameter or multipart part (`errors[0].path` is its name). */
export function parameterProblem(type: string, title: string, name: string, message: string, instance?: string): Problem {
  return {
    type,
    title,
    status: 400,
    detail: `${name}: ${message}`,
    errors: [{ path: name, pointer: '', message }],
    ...(instance ? { instance } : {}),
  };
}

export function notFound(id: string): ProblemException {
  const safe = /^[0-9A-Za-z_-]{1,64}$/.test(id) ? id : '';
  return new ProblemException(simpleProblem(404, PROBLEM_TYPES.notFound, 'Not Found', `no case ${safe}`.trim()));
}

export function unavailable(detail: string, retryAfterSeconds = 1): ProblemException {
  return new ProblemException(simpleProblem(503, PROBLEM_TYPES.unavailable, 'Service Unavailable', detail), { 'retry-after': String(retryAfterSeconds) });
}
