/** RFC 9457 problem details as the gateway sends them. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ path: string; pointer: string; message: string }>;
  [extension: string]: unknown;
}

/** A non-2xx answer: the HTTP status, the problem details when the body had them, and Retry-After (ms). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemDetails | undefined,
    readonly retryAfterMs?: number,
  ) {
    const fields = problem?.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
    super(`HTTP ${status}${problem ? ` ${problem.title}` : ''}${problem?.detail ? `: ${problem.detail}` : ''}${fields ? ` (${fields})` : ''}`);
    this.name = 'ApiError';
  }

  /** Worth retrying later: rate limited, shedding load, or a gateway that is not up. */
  get retryable(): boolean {
    return this.status === 429 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}
