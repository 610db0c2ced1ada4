import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@lf/observability';
import { STREAM_ID } from '@lf/redis';
import type { GatewayMetrics } from '../gateway-metrics';
import { CASE_SUBMISSION, GATEWAY_METRICS } from '../gateway.tokens';
import { PROBLEM_TYPES, ProblemException, simpleProblem, validationProblem, type Problem } from '../http/problem';
import { takeLiftedBinaries } from '../http/json-body-parser';
import { traceIdFrom } from '../http/trace-id';
import { parseBatch } from './batch-request';
import { CASE_PROBLEM_TYPES, notFound, parameterProblem, unavailable } from './case-problems';
import { caseResponse, type CaseResponse, type PublicCaseStatus } from '@lf/redis';
import type { CaseResults, SseSink } from './case-results.service';
import { SubmitError, type CaseSubmissionService, type SubmitOptions, type SubmitOutcome } from './case-submission.service';
import { WatchLimitError, WatchUnavailableError } from './case-watcher';
import { CASE_RESULTS, CASE_ROUTE_OPTIONS } from './cases.tokens';
import { IDEMPOTENCY_HEADER, parseIdempotencyKey } from './idempotency-key';
import { MULTIPART_MEDIA_TYPE, readMultipartCase } from './multipart-case';
import { formatMs, parseWait } from './wait-param';

/** Ids the key builder accepts; anything else cannot name a case, so it is a 404 without a Redis round trip. */
const CASE_ID = /^[0-9A-Za-z_-]{1,64}$/;
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

/** `POST /v1/cases` with a JSON body: the body parser lifts its binary fields out (json-body-parser.ts). */
export const isCaseSubmission = (request: FastifyRequest): boolean =>
  request.method === 'POST' && request.routeOptions.url === '/v1/cases' && JSON_MEDIA_TYPE.test(request.headers['content-type'] ?? '');

export interface CaseRouteOptions {
  /** Largest `case` part of a multipart submission (as for a JSON body). */
  maxBodyBytes: number;
  /** Largest `image` part. */
  maxUploadBytes: number;
  /** Longest `?wait=`. */
  maxWaitMs: number;
  logger: Logger;
}

export interface SubmitResponse {
  caseId: string;
  /** 'pending' for a new case; the case's current status for an Idempotency-Key replay. */
  status: PublicCaseStatus;
  /** Inputs of disabled or unknown modalities, which the case does not wait for. Only when non-empty. */
  ignored?: string[];
}

/** One item of `POST /v1/cases:batch`: its own status, as if it had been sent alone. */
export interface BatchItemResult {
  index: number;
  /** 202 new case, 200 Idempotency-Key replay, else the 4xx/5xx it would have had alone. */
  status: number;
  caseId?: string;
  caseStatus?: PublicCaseStatus;
  ignored?: string[];
  problem?: Problem;
}

type Settled = { status: number; response: SubmitResponse } | { status: number; problem: Problem; headers?: Record<string, string> };

export function tenantOf(request: FastifyRequest): string {
  // The access-control hook has run for every /v1/ route; a missing tenant here is a wiring bug, not a client error.
  if (request.tenant === undefined) throw new Error('unauthenticated request reached a /v1/ handler');
  return request.tenant;
}

function unsupportedMediaType(detail: string): ProblemException {
  return new ProblemException(simpleProblem(415, PROBLEM_TYPES.unsupportedMediaType, 'Unsupported Media Type', detail));
}

export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const parsed = parseIdempotencyKey(request.headers[IDEMPOTENCY_HEADER]);
  if (!parsed.ok) {
    throw new ProblemException(parameterProblem(CASE_PROBLEM_TYPES.invalidParameter, 'A request header is invalid', 'Idempotency-Key', parsed.message, request.url.split('?')[0]));
  }
  return parsed.key;
}

/** A submission's outcome as the HTTP answer it gets alone (also each batch item's). */
export function settle(outcome: SubmitOutcome, instance?: string): Settled {
  switch (outcome.kind) {
    case 'accepted':
      return {
        status: outcome.created ? 202 : 200,
        response: { caseId: outcome.caseId, status: outcome.status, ...(outcome.ignored.length > 0 ? { ignored: outcome.ignored } : {}) },
      };
    case 'invalid':
      return { status: 400, problem: validationProblem(outcome.errors, instance) };
    case 'conflict':
      return {
        status: 409,
        problem: {
          type: CASE_PROBLEM_TYPES.idempotencyConflict,
          title: 'Idempotency-Key reused with a different body',
          status: 409,
          detail: `this Idempotency-Key was first used with a different request body (case ${outcome.caseId}); send the original body to get that case, or a new key for a new case`,
          errors: [{ path: 'Idempotency-Key', pointer: '', message: 'already used with a different request body' }],
          caseId: outcome.caseId,
          ...(instance ? { instance } : {}),
        } as Problem,
      };
    case 'expired':
      return {
        status: 410,
        problem: {
          ...simpleProblem(410, CASE_PROBLEM_TYPES.idempotencyExpired, 'Gone', `the case this Idempotency-Key stands for (${outcome.caseId}) no longer exists; use a new key`),
          ...(instance ? { instance } : {}),
        },
      };
  }
}

@Controller('v1')
export class CasesController {
  constructor(
    @Inject(CASE_SUBMISSION) private readonly submission: CaseSubmissionService,
    @Inject(CASE_RESULTS) private readonly results: CaseResults,
    @Inject(CASE_ROUTE_OPTIONS) private readonly options: CaseRouteOptions,
    @Inject(GATEWAY_METRICS) private readonly metrics: GatewayMetrics,
  ) {}

  /**
   * JSON (`application/json`) or `multipart/form-data` (parts `case` + `image`). 202 for a new case; with an
   * Idempotency-Key that was already used with the same body, 200 and the original case (no new jobs);
   * with a different body, 409.
   */
  @Post('cases')
  @HttpCode(202)
  async submit(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<SubmitResponse> {
    const contentType = request.headers['content-type'] ?? '';
    const instance = request.url.split('?')[0];
    const tenant = tenantOf(request);
    const options: SubmitOptions = {};
    const key = idempotencyKeyOf(request);
    if (key !== undefined) options.idempotencyKey = key;
    let caseBody: unknown = body;
    if (MULTIPART_MEDIA_TYPE.test(contentType)) {
      const parts = await readMultipartCase(request, { maxCaseBytes: this.options.maxBodyBytes, maxImageBytes: this.options.maxUploadBytes });
      // Connection: close, so whatever of the body was not read is not taken for the next request.
      if (!parts.ok) throw new ProblemException(parts.problem, { connection: 'close' });
      caseBody = parts.body;
      options.binaries = { imaging: parts.image };
    } else if (!JSON_MEDIA_TYPE.test(contentType)) {
      // Fastify also parses text/plain into a string; a case is JSON or multipart only.
      throw unsupportedMediaType('send the case as "Content-Type: application/json", or as multipart/form-data with parts "case" and "image"');
    } else {
      // The image's base64, decoded by the body parser straight from the request bytes (isCaseSubmission).
      const lifted = takeLiftedBinaries(request);
      if (lifted) options.binaries = lifted;
    }
    const settled = settle(await this.run(caseBody, tenant, request, options), instance);
    if ('problem' in settled) throw new ProblemException(settled.problem, settled.headers);
    void reply.code(settled.status).header('location', `/v1/cases/${settled.response.caseId}`);
    if (settled.status === 200) void reply.header('idempotent-replayed', 'true');
    return settled.response;
  }

  /**
   * Up to 100 cases, each submitted on its own (JSON only). 200 with one result per item, in order, whatever
   * the items' outcomes: a bad item never fails the others. Only a malformed envelope fails the request.
   */
  @Post('cases::batch')
  @HttpCode(200)
  async batch(@Req() request: FastifyRequest, @Body() body: unknown): Promise<{ results: BatchItemResult[] }> {
    if (!JSON_MEDIA_TYPE.test(request.headers['content-type'] ?? '')) throw unsupportedMediaType('send the batch as "Content-Type: application/json"');
    const instance = request.url.split('?')[0];
    const tenant = tenantOf(request);
    const parsed = parseBatch(body, idempotencyKeyOf(request));
    if (!parsed.ok) {
      throw new ProblemException({ ...validationProblem(parsed.errors, instance), type: CASE_PROBLEM_TYPES.invalidBatch, title: 'The batch envelope is invalid' });
    }
    // All items at once: their registrations share Redis round trips and their jobs are flushed together
    // by the producer's BulkAdder (one pipeline for every queue's jobs of the whole batch).
    const results = await Promise.all(
      parsed.items.map(async (item): Promise<BatchItemResult> => {
        let settled: Settled;
        if (!item.ok) settled = { status: 400, problem: validationProblem(item.errors) };
        else {
          try {
            settled = settle(await this.run(item.body, tenant, request, item.idempotencyKey !== undefined ? { idempotencyKey: item.idempotencyKey } : {}));
          } catch (err) {
            settled = { status: err instanceof ProblemException ? err.problem.status : 500, problem: err instanceof ProblemException ? err.problem : internalProblem() };
            if (!(err instanceof ProblemException)) this.options.logger.error('batch item failed', { index: item.index, err: err as Error });
          }
        }
        if ('problem' in settled) {
          if (settled.status < 500) this.metrics.requestsRejected.inc({ reason: settled.problem.type.replace(/^urn:lf:problem:/, '') });
          return { index: item.index, status: settled.status, problem: settled.problem };
        }
        const { caseId, status, ignored } = settled.response;
        return { index: item.index, status: settled.status, caseId, caseStatus: status, ...(ignored ? { ignored } : {}) };
      }),
    );
    request.auditCaseIds = results.flatMap((r) => (r.caseId ? [r.caseId] : []));
    return { results };
  }

  /** The case; with `?wait=10s`, held open until the case is final or the wait is over (long-poll). */
  @Get('cases/:id')
  async get(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id') id: string, @Query('wait') wait: unknown): Promise<CaseResponse> {
    const tenant = tenantOf(request);
    if (!CASE_ID.test(id)) throw notFound(id);
    const parsedWait = parseWait(wait, this.options.maxWaitMs);
    if (!parsedWait.ok) {
      throw new ProblemException(parameterProblem(CASE_PROBLEM_TYPES.invalidParameter, 'A query parameter is invalid', 'wait', parsedWait.message, request.url.split('?')[0]));
    }
    const gone = new AbortController();
    const onClose = () => gone.abort();
    reply.raw.once('close', onClose);
    let view;
    try {
      view = await this.results.waitForFinal(id, tenant, parsedWait.ms, gone.signal);
    } catch (err) {
      throw this.unavailableFor(err);
    } finally {
      reply.raw.off('close', onClose);
    }
    // Another tenant's case is indistinguishable from a missing one.
    if (view === null) throw notFound(id);
    return caseResponse(view);
  }

  /**
   * Server-sent events of the case's lifecycle (case-sse.ts): history first (after `Last-Event-ID` when the
   * client resumes), then live events, heartbeats, and the end of the stream a grace period after the result.
   */
  @Get('cases/:id/events')
  async events(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const tenant = tenantOf(request);
    if (!CASE_ID.test(id)) throw notFound(id);
    const header = request.headers['last-event-id'];
    const lastEventId = typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
    if (lastEventId !== undefined && !STREAM_ID.test(lastEventId)) {
      throw new ProblemException(
        parameterProblem(CASE_PROBLEM_TYPES.invalidParameter, 'A request header is invalid', 'Last-Event-ID', 'must be the id of an event this stream sent (like 1732600000000-0)', request.url),
      );
    }
    const raw = reply.raw;
    const sink: SseSink = {
      open: () => {
        reply.hijack();
        raw.on('error', () => undefined);
        raw.writeHead(200, {
          ...(reply.getHeaders() as Record<string, string>),
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          // Proxies (nginx) must pass events through as they come, not buffer them.
          'x-accel-buffering': 'no',
        });
        raw.flushHeaders();
      },
      write: (chunk) => {
        if (!raw.writableEnded && !raw.destroyed) raw.write(chunk);
      },
      end: () => {
        if (!raw.writableEnded) raw.end();
      },
      onClose: (listener) => raw.once('close', listener),
    };
    let outcome;
    try {
      outcome = await this.results.stream(id, tenant, lastEventId, sink);
    } catch (err) {
      throw this.unavailableFor(err);
    }
    if (outcome.kind === 'not-found') throw notFound(id);
    // A reconnect to a stream that has ended for good: 204 tells an EventSource to stop reconnecting.
    if (outcome.kind === 'finished') void reply.code(204).header('cache-control', 'no-store').send();
  }

  private async run(body: unknown, tenant: string, request: FastifyRequest, options: SubmitOptions): Promise<SubmitOutcome> {
    try {
      return await this.submission.submit(body, tenant, traceIdFrom(request.headers.traceparent), options);
    } catch (err) {
      if (err instanceof SubmitError) throw unavailable('the case could not be stored or queued; retry shortly (with the same Idempotency-Key, if you sent one)');
      throw err;
    }
  }

  private unavailableFor(err: unknown): ProblemException {
    if (err instanceof ProblemException) return err;
    if (err instanceof WatchLimitError) return unavailable(`too many open waits and event streams on this gateway; retry, or poll without ?wait= (max ${formatMs(this.options.maxWaitMs)})`, 2);
    if (err instanceof WatchUnavailableError) return unavailable('case notifications are unavailable; retry shortly');
    return unavailable('the case store is not reachable; retry shortly');
  }
}

function internalProblem(): Problem {
  return simpleProblem(500, PROBLEM_TYPES.internal, 'Internal Server Error', 'an unexpected error occurred; it has been logged');
}
