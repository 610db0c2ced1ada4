import { caseRequestSchema, caseResponseSchema, healthResponseSchema, problemSchema, submitResponseSchema } from '@lf/contracts';
import type { ApiParameter, ApiResponse, ApiRoute } from './api-route';

/**
 * Every route the gateway serves, for the OpenAPI document. A test compares this table with the routes
 * Fastify actually registered, so a new route cannot ship undocumented (or a documented one vanish).
 */
const PROBLEM = { 'application/problem+json': { zod: problemSchema } };
const problem = (description: string, headers?: ApiResponse['headers']): ApiResponse => ({ description, content: PROBLEM, ...(headers ? { headers } : {}) });
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } } };

export const COMMON_PROBLEMS: Record<number, ApiResponse> = {
  401: problem('No API key, or an unknown or expired one', { 'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } } }),
  403: problem('The API key lacks the scope this route needs'),
  429: problem("The tenant's rate limit is exhausted", retryAfter),
  503: problem('Redis is unreachable, or the system is shedding load (backpressure)', retryAfter),
};

const caseId: ApiParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The case id from the submission (another tenant’s case id answers 404, exactly like an unknown one)',
  schema: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,64}$' },
};

export const API_ROUTES: ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/cases',
    operationId: 'submitCase',
    summary: 'Submit a case for scoring',
    description:
      'Validates the body, stores the inputs, registers the deadline and enqueues one job per present modality. ' +
      'The result is fused as soon as every modality replied or the deadline passed; poll `GET /v1/cases/{id}`.',
    tags: ['cases'],
    scope: 'cases:write',
    requestBody: { content: { 'application/json': { zod: caseRequestSchema.meta({ id: 'CaseRequest' }) } } },
    responses: {
      202: {
        description: 'Accepted: the case is pending',
        content: { 'application/json': { zod: submitResponseSchema } },
        headers: { Location: { description: 'The case URL', schema: { type: 'string' } } },
      },
      400: problem('Malformed body: every failing field is listed in `errors`'),
      413: problem('Body larger than the configured limit'),
      415: problem('Not a supported media type'),
    },
  },
  {
    method: 'get',
    path: '/v1/cases/{id}',
    operationId: 'getCase',
    summary: 'Read a case and its fused result',
    tags: ['cases'],
    scope: 'cases:read',
    parameters: [caseId],
    responses: {
      200: { description: 'The case (pending until its result is stored)', content: { 'application/json': { zod: caseResponseSchema } } },
      404: problem('No such case for this tenant'),
    },
  },
  {
    method: 'get',
    path: '/health/live',
    operationId: 'live',
    summary: 'Liveness: the process serves HTTP',
    tags: ['operations'],
    responses: { 200: { description: 'Live', content: { 'application/json': { zod: healthResponseSchema } } } },
  },
  {
    method: 'get',
    path: '/health/ready',
    operationId: 'ready',
    summary: 'Readiness: accepting traffic and Redis answers',
    tags: ['operations'],
    responses: {
      200: { description: 'Ready', content: { 'application/json': { zod: healthResponseSchema } } },
      503: { description: 'Not ready (starting, draining, or Redis unreachable)', content: { 'application/json': { zod: healthResponseSchema } } },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics (text exposition format)',
    tags: ['operations'],
    responses: { 200: { description: 'Metrics', content: { 'text/plain': { jsonSchema: { type: 'string' } } } } },
  },
];

/** Served but deliberately not operations of the API: the document itself and its viewer. */
export const UNDOCUMENTED_ROUTES = [/^\/openapi\.json$/, /^\/docs(\/.*)?$/];
