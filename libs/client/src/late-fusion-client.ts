import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { caseResponseSchema, CaseRequest, submitResponseSchema } from '@lf/contracts';
import { ApiError, type ProblemDetails } from './api-error';
import { parseRetryAfter } from './retry-after';
import { SseParser, type ServerSentEvent } from './sse-parser';

export type CaseResponse = z.infer<typeof caseResponseSchema>;
export type SubmitResponse = z.infer<typeof submitResponseSchema>;

export interface BatchItemResult {
  index: number;
  status: number;
  caseId?: string;
  problem?: ProblemDetails;
}

export interface CaseEvent {
  /** Stream id: pass it back as `lastEventId` to resume. */
  id?: string;
  type: string;
  data: Record<string, unknown>;
}

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Per-request timeout (a long-poll adds its wait). Default 30 s. */
  timeoutMs?: number;
  /** Retries of 429/503 and network errors on idempotent calls, honouring Retry-After. Default 4. */
  maxRetries?: number;
  fetch?: typeof fetch;
}

export interface SubmitOptions {
  /**
   * Makes retries safe: the gateway answers a repeated key with the original case. Generated when not
   * given, so the client's own retries never submit a case twice.
   */
  idempotencyKey?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A typed client for the late-fusion HTTP API. Every submission carries an Idempotency-Key, so a retry
 * after a timeout, a 429 or a 503 returns the original case instead of creating a second one.
 */
export class LateFusionClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 4;
  }

  /** POST /v1/cases (JSON). */
  submitCase(body: CaseRequest, options: SubmitOptions = {}): Promise<SubmitResponse> {
    return this.send('POST', '/v1/cases', { json: body, idempotencyKey: options.idempotencyKey ?? randomUUID() });
  }

  /** POST /v1/cases:batch (up to 100 cases); each case gets its own outcome. */
  async submitBatch(cases: ReadonlyArray<{ body: CaseRequest; idempotencyKey?: string }>): Promise<BatchItemResult[]> {
    if (cases.length > 100) throw new RangeError(`a batch holds at most 100 cases, got ${cases.length}`);
    const payload = { cases: cases.map((c) => ({ ...c.body, idempotencyKey: c.idempotencyKey ?? randomUUID() })) };
    const reply = await this.send<{ results: BatchItemResult[] }>('POST', '/v1/cases:batch', { json: payload, retry: true });
    return reply.results;
  }

  /** POST /v1/cases as multipart: the case JSON (without image data) plus a DICOM file exactly as it is. */
  submitDicom(body: CaseRequest, dicom: Uint8Array, options: SubmitOptions = {}): Promise<SubmitResponse> {
    const form = new FormData();
    form.append('case', new Blob([JSON.stringify(body)], { type: 'application/json' }));
    form.append('image', new Blob([dicom], { type: 'application/dicom' }), 'image.dcm');
    return this.send('POST', '/v1/cases', { form, idempotencyKey: options.idempotencyKey ?? randomUUID() });
  }

  /** POST /fhir/R4/Bundle: a FHIR R4 Bundle (collection or transaction). */
  submitFhirBundle(bundle: unknown, options: SubmitOptions = {}): Promise<SubmitResponse & Record<string, unknown>> {
    return this.send('POST', '/fhir/R4/Bundle', { json: bundle, contentType: 'application/fhir+json', idempotencyKey: options.idempotencyKey ?? randomUUID() });
  }

  /** GET /v1/cases/{id}; with `waitMs`, a long-poll that returns as soon as the case is final. */
  getCase(caseId: string, options: { waitMs?: number } = {}): Promise<CaseResponse> {
    const wait = options.waitMs ? `?wait=${Math.ceil(options.waitMs)}ms` : '';
    return this.send('GET', `/v1/cases/${encodeURIComponent(caseId)}${wait}`, { retry: true, extraTimeoutMs: options.waitMs ?? 0 });
  }

  /** Long-polls until the case is final or `timeoutMs` passes (then returns the pending case). */
  async waitForResult(caseId: string, options: { timeoutMs?: number; pollWaitMs?: number } = {}): Promise<CaseResponse> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const remaining = deadline - Date.now();
      const view = await this.getCase(caseId, { waitMs: Math.max(1, Math.min(options.pollWaitMs ?? 10_000, remaining)) });
      if (view.status !== 'pending' || Date.now() >= deadline) return view;
    }
  }

  /** GET /fhir/R4/RiskAssessment/{id}. */
  getRiskAssessment(caseId: string): Promise<Record<string, unknown>> {
    return this.send('GET', `/fhir/R4/RiskAssessment/${encodeURIComponent(caseId)}`, { retry: true, accept: 'application/fhir+json' });
  }

  /** GET /v1/cases/{id}/events: the case's lifecycle as it happens (history first). Ends when the server closes. */
  async *events(caseId: string, options: { signal?: AbortSignal; lastEventId?: string } = {}): AsyncGenerator<CaseEvent> {
    const response = await this.fetchImpl(`${this.baseUrl}/v1/cases/${encodeURIComponent(caseId)}/events`, {
      headers: { ...this.auth(), accept: 'text/event-stream', ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}) },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!response.ok || !response.body) throw await this.error(response);
    const parser = new SseParser();
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      for (const event of parser.push(decoder.decode(chunk, { stream: true }))) yield toCaseEvent(event);
    }
  }

  private auth(): Record<string, string> {
    return { authorization: `Bearer ${this.options.apiKey}` };
  }

  private async send<T>(
    method: 'GET' | 'POST',
    path: string,
    request: { json?: unknown; form?: FormData; contentType?: string; accept?: string; idempotencyKey?: string; retry?: boolean; extraTimeoutMs?: number },
  ): Promise<T> {
    // Only idempotent requests are retried: reads, and submissions that carry an Idempotency-Key.
    const retryable = request.retry === true || request.idempotencyKey !== undefined;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...this.auth(), accept: request.accept ?? 'application/json' };
      if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
      let body: string | FormData | undefined;
      if (request.json !== undefined) {
        headers['content-type'] = request.contentType ?? 'application/json';
        body = JSON.stringify(request.json);
      } else if (request.form) {
        body = request.form;
      }
      let response: Response;
      try {
        response = await this.fetchImpl(`${this.baseUrl}${path}`, {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal: AbortSignal.timeout(this.timeoutMs + (request.extraTimeoutMs ?? 0)),
        });
      } catch (error) {
        if (!retryable || attempt >= this.maxRetries) throw error;
        await sleep(backoff(attempt));
        continue;
      }
      if (response.ok) return (await response.json()) as T;
      const error = await this.error(response);
      if (!retryable || !error.retryable || attempt >= this.maxRetries) throw error;
      await sleep(error.retryAfterMs ?? backoff(attempt));
    }
  }

  private async error(response: Response): Promise<ApiError> {
    const text = await response.text().catch(() => '');
    let problem: ProblemDetails | undefined;
    try {
      const parsed = JSON.parse(text) as ProblemDetails;
      if (parsed && typeof parsed === 'object' && typeof parsed.status === 'number') problem = parsed;
    } catch {
      // not JSON: the status says enough
    }
    return new ApiError(response.status, problem, parseRetryAfter(response.headers.get('retry-after')));
  }
}

const backoff = (attempt: number) => Math.min(10_000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);

function toCaseEvent(event: ServerSentEvent): CaseEvent {
  let data: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(event.data) as unknown;
    if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>;
  } catch {
    data = { text: event.data };
  }
  return { ...(event.id !== undefined ? { id: event.id } : {}), type: event.event, data };
}
