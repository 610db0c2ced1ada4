import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bundleToCaseRequest, riskAssessmentFromCase, type BundleReport } from '@lf/fhir';
import type { CaseStore } from '@lf/redis';
import { CASE_READER, CASE_SUBMISSION } from '../gateway.tokens';
import { PROBLEM_TYPES, ProblemException, simpleProblem, type FieldError, type Problem } from '../http/problem';
import { traceIdFrom } from '../http/trace-id';
import { notFound, unavailable } from '../cases/case-problems';
import { caseResponse, type PublicCaseStatus } from '@lf/redis';
import { SubmitError, type CaseSubmissionService, type SubmitOptions } from '../cases/case-submission.service';
import { idempotencyKeyOf, settle, tenantOf } from '../cases/cases.controller';

/** FHIR's JSON media type; plain application/json is accepted too (integration engines often send it). */
export const FHIR_JSON = 'application/fhir+json';
const FHIR_MEDIA_TYPE = /^application\/(fhir\+)?json\s*(;|$)/i;
const CASE_ID = /^[0-9A-Za-z_-]{1,64}$/;

export const FHIR_PROBLEM_TYPES = {
  /** The Bundle cannot be read as a case: `errors` name each problem by its path in the Bundle. */
  invalidBundle: 'urn:lf:problem:invalid-fhir-bundle',
} as const;

export interface FhirSubmitResponse {
  caseId: string;
  status: PublicCaseStatus;
  /** What the gateway did with the Bundle: codes it did not know, unit conversions, resources it ignored. */
  report: BundleReport;
}

/**
 * FHIR R4 in and out (libs/fhir does the mapping):
 * - `POST /fhir/R4/Bundle`: a `collection` or `transaction` Bundle (Patient, vital-sign and lab Observations by
 *   LOINC, a DICOM attachment) becomes a case, exactly as if its JSON had been POSTed to /v1/cases (same
 *   validation, Idempotency-Key, backpressure); unknown codes are reported back, not silently dropped.
 * - `GET /fhir/R4/RiskAssessment/{id}`: the case's result as a FHIR RiskAssessment.
 * Errors are RFC 9457 problem details like every other route, their paths pointing into the Bundle.
 */
@Controller('fhir/R4')
export class FhirController {
  constructor(
    @Inject(CASE_SUBMISSION) private readonly submission: CaseSubmissionService,
    @Inject(CASE_READER) private readonly store: Pick<CaseStore, 'get'>,
  ) {}

  @Post('Bundle')
  @HttpCode(202)
  async submitBundle(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<FhirSubmitResponse> {
    if (!FHIR_MEDIA_TYPE.test(request.headers['content-type'] ?? '')) {
      throw new ProblemException(simpleProblem(415, PROBLEM_TYPES.unsupportedMediaType, 'Unsupported Media Type', `send the Bundle as "Content-Type: ${FHIR_JSON}"`));
    }
    const tenant = tenantOf(request);
    const instance = request.url.split('?')[0];
    const options: SubmitOptions = {};
    const key = idempotencyKeyOf(request);
    if (key !== undefined) options.idempotencyKey = key;

    const mapped = bundleToCaseRequest(body);
    if (!mapped.ok) throw new ProblemException(bundleProblem(mapped.errors, instance));
    options.basis = mapped.basis;

    let outcome;
    try {
      outcome = await this.submission.submit(mapped.request, tenant, traceIdFrom(request.headers.traceparent), options);
    } catch (err) {
      if (err instanceof SubmitError) throw unavailable('the case could not be stored or queued; retry shortly (with the same Idempotency-Key, if you sent one)');
      throw err;
    }
    const settled = settle(outcome, instance);
    if ('problem' in settled) throw new ProblemException(settled.problem, settled.headers);
    void reply
      .code(settled.status)
      .header('location', `/fhir/R4/RiskAssessment/${settled.response.caseId}`)
      .header('content-location', `/v1/cases/${settled.response.caseId}`);
    if (settled.status === 200) void reply.header('idempotent-replayed', 'true');
    return { caseId: settled.response.caseId, status: settled.response.status, report: mapped.report };
  }

  /** The case's RiskAssessment (`registered` while pending, `final` once fused). */
  @Get('RiskAssessment/:id')
  async riskAssessment(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id') id: string): Promise<unknown> {
    const tenant = tenantOf(request);
    if (!CASE_ID.test(id)) throw notFound(id);
    let view;
    try {
      view = await this.store.get(id);
    } catch {
      throw unavailable('the case store is not reachable; retry shortly');
    }
    // Another tenant's case is indistinguishable from a missing one.
    if (view === null || view.tenant !== tenant) throw notFound(id);
    void reply.type(FHIR_JSON);
    return riskAssessmentFromCase(caseResponse(view), {
      ...(view.subject !== undefined ? { patientRef: view.subject } : {}),
      ...(view.basis !== undefined ? { basis: view.basis } : {}),
    });
  }
}

/** A 400 listing every problem with the Bundle at its path (`entry[3].resource.valueQuantity.unit`). */
function bundleProblem(errors: ReadonlyArray<{ path: string; message: string }>, instance: string): Problem {
  const fields: FieldError[] = errors.map((e) => ({ path: e.path, pointer: pointerOf(e.path), message: e.message }));
  return {
    type: FHIR_PROBLEM_TYPES.invalidBundle,
    title: 'The FHIR Bundle cannot be read as a case',
    status: 400,
    detail: `${fields.length} problem${fields.length === 1 ? '' : 's'} in the Bundle; each is named by its path`,
    errors: fields,
    instance,
  };
}

/** `entry[3].resource.code` -> `/entry/3/resource/code` (RFC 6901). */
function pointerOf(path: string): string {
  if (path === '' || path === '(body)') return '';
  return '/' + path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean).map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}
