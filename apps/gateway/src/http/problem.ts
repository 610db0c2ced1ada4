/**
 * RFC 9457 problem details: every error the gateway sends is `application/problem+json` with a
 * machine-readable `type`, so clients branch on `type`, not on message text. Validation problems list
 * each failing field as a dotted path (`inputs.imaging.data`) plus a JSON Pointer, and a message.
 * Messages name fields and expectations only: input values (PHI) are never echoed.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface FieldError {
  /** Dotted path with [i] for array indices: `inputs.vitals.samples[3].t`; `(body)` for the body itself. */
  path: string;
  /** RFC 6901 JSON Pointer to the same field. */
  pointer: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  /** How many further field errors were left out of `errors`. */
  errorsOmitted?: number;
}

export const PROBLEM_TYPES = {
  invalidBody: 'urn:lf:problem:invalid-body',
  malformedJson: 'urn:lf:problem:malformed-json',
  unsupportedMediaType: 'urn:lf:problem:unsupported-media-type',
  bodyTooLarge: 'urn:lf:problem:body-too-large',
  unauthorized: 'urn:lf:problem:unauthorized',
  forbidden: 'urn:lf:problem:forbidden',
  rateLimited: 'urn:lf:problem:rate-limited',
  overloaded: 'urn:lf:problem:overloaded',
  notFound: 'urn:lf:problem:not-found',
  unavailable: 'urn:lf:problem:service-unavailable',
  internal: 'urn:lf:problem:internal-error',
  http: 'about:blank',
} as const;

/** A thrown problem: the exception filter sends it as is. */
export class ProblemException extends Error {
  constructor(readonly problem: Problem, readonly headers: Record<string, string> = {}) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemException';
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(body)' : out;
}

export function formatPointer(path: ReadonlyArray<PropertyKey>): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function fieldError(path: ReadonlyArray<PropertyKey>, message: string): FieldError {
  return { path: formatPath(path), pointer: formatPointer(path), message };
}

/** Enough to fix a request; a 20 000-sample vitals series with every timestamp wrong must not echo 20 000 errors. */
export const MAX_FIELD_ERRORS = 50;

export function validationProblem(fieldErrors: readonly FieldError[], instance?: string): Problem {
  const errors = fieldErrors.slice(0, MAX_FIELD_ERRORS);
  const problem: Problem = {
    type: PROBLEM_TYPES.invalidBody,
    title: 'The request body is invalid',
    status: 400,
    detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    errors,
  };
  if (fieldErrors.length > MAX_FIELD_ERRORS) problem.errorsOmitted = fieldErrors.length - MAX_FIELD_ERRORS;
  if (instance) problem.instance = instance;
  return problem;
}

export function simpleProblem(status: number, type: string, title: string, detail?: string): Problem {
  return detail === undefined ? { type, title, status } : { type, title, status, detail };
}
