import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CaseStore } from '@lf/redis';
import { CASE_READER, CASE_SUBMISSION } from '../gateway.tokens';
import { PROBLEM_TYPES, ProblemException, simpleProblem, validationProblem } from '../http/problem';
import { unsupportedMediaType } from '../http/problem.filter';
import { traceIdFrom } from '../http/trace-id';
import { caseResponse, type CaseResponse } from './case-response';
import { SubmitError, type CaseSubmissionService } from './case-submission.service';

/** Ids the key builder accepts; anything else cannot name a case, so it is a 404 without a Redis round trip. */
const CASE_ID = /^[0-9A-Za-z_-]{1,64}$/;
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

export interface SubmitResponse {
  caseId: string;
  status: 'pending';
  /** Inputs of disabled or unknown modalities, which the case does not wait for. Only when non-empty. */
  ignored?: string[];
}

function tenantOf(request: FastifyRequest): string {
  // The API-key hook has run for every /v1/ route; a missing tenant here is a wiring bug, not a client error.
  if (request.tenant === undefined) throw new Error('unauthenticated request reached a /v1/ handler');
  return request.tenant;
}

function unavailable(detail: string): ProblemException {
  return new ProblemException(simpleProblem(503, PROBLEM_TYPES.unavailable, 'Service Unavailable', detail), { 'retry-after': '1' });
}

@Controller('v1/cases')
export class CasesController {
  constructor(
    @Inject(CASE_SUBMISSION) private readonly submission: CaseSubmissionService,
    @Inject(CASE_READER) private readonly store: Pick<CaseStore, 'get'>,
  ) {}

  @Post()
  @HttpCode(202)
  async submit(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<SubmitResponse> {
    // Fastify also parses text/plain into a string; a case is JSON only.
    if (!JSON_MEDIA_TYPE.test(request.headers['content-type'] ?? '') || typeof body !== 'object' || body === null) {
      throw new ProblemException(unsupportedMediaType());
    }
    const tenant = tenantOf(request);
    let outcome;
    try {
      outcome = await this.submission.submit(body, tenant, traceIdFrom(request.headers.traceparent));
    } catch (err) {
      if (err instanceof SubmitError) throw unavailable('the case could not be stored or queued; retry shortly');
      throw err;
    }
    if (outcome.kind === 'invalid') throw new ProblemException(validationProblem(outcome.errors, request.url));
    void reply.header('location', `/v1/cases/${outcome.caseId}`);
    return { caseId: outcome.caseId, status: 'pending', ...(outcome.ignored.length > 0 ? { ignored: outcome.ignored } : {}) };
  }

  @Get(':id')
  async get(@Req() request: FastifyRequest, @Param('id') id: string): Promise<CaseResponse> {
    const tenant = tenantOf(request);
    const notFound = () => new ProblemException(simpleProblem(404, PROBLEM_TYPES.notFound, 'Not Found', `no case ${CASE_ID.test(id) ? id : ''}`.trim()));
    if (!CASE_ID.test(id)) throw notFound();
    let view;
    try {
      view = await this.store.get(id);
    } catch {
      throw unavailable('the case store is not reachable; retry shortly');
    }
    // Another tenant's case is indistinguishable from a missing one.
    if (view === null || view.tenant !== tenant) throw notFound();
    return caseResponse(view);
  }
}
