import {
  batchRequestSchema,
  batchResponseSchema,
  caseRequestSchema,
  caseResponseSchema,
  healthResponseSchema,
  problemSchema,
  submitResponseSchema,
  webhookRegistrationSchema,
} from '@lf/contracts';
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

/** FHIR resources are described by the FHIR R4 specification; the document only pins their resourceType. */
const FHIR_RESOURCE_SCHEMA = (resourceType: string) => ({
  type: 'object',
  required: ['resourceType'],
  properties: { resourceType: { const: resourceType } },
  externalDocs: { url: `https://hl7.org/fhir/R4/${resourceType.toLowerCase()}.html` },
});
const FHIR_BUNDLE_SCHEMA = {
  ...FHIR_RESOURCE_SCHEMA('Bundle'),
  required: ['resourceType', 'type', 'entry'],
  properties: { resourceType: { const: 'Bundle' }, type: { enum: ['collection', 'transaction'] }, entry: { type: 'array', items: { type: 'object' } } },
};
const FHIR_SUBMIT_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['caseId', 'status', 'report'],
  properties: {
    caseId: { type: 'string' },
    status: { enum: ['pending', 'complete', 'degraded', 'failed'] },
    report: {
      type: 'object',
      description: 'What the gateway did with the Bundle',
      properties: {
        unknownCodes: { type: 'array', items: { type: 'object' }, description: 'Codes it does not map (path, system, code): not used' },
        conversions: { type: 'array', items: { type: 'object' }, description: 'UCUM unit conversions applied (path, from, to)' },
        ignored: { type: 'array', items: { type: 'object' }, description: 'Resources or values not used, with the reason' },
      },
    },
  },
};

const WEBHOOK_SCHEMA = {
  type: 'object',
  required: ['id', 'url', 'events', 'createdAt'],
  properties: {
    id: { type: 'string' },
    tenant: { type: 'string' },
    url: { type: 'string', format: 'uri' },
    events: { type: 'array', items: { type: 'string', enum: ['case.finalized'] } },
    createdAt: { type: 'string', format: 'date-time' },
    previousSecretExpiresAt: { type: 'string', format: 'date-time' },
  },
};

const caseId: ApiParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The case id from the submission (another tenant’s case id answers 404, exactly like an unknown one)',
  schema: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,64}$' },
};

const idempotencyKey: ApiParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Retry-safe submission: 1-255 visible ASCII characters (a UUID), scoped to the tenant, remembered for LF_IDEMPOTENCY_TTL_SECONDS',
  schema: { type: 'string', minLength: 1, maxLength: 257 },
};

export const API_ROUTES: ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/cases',
    operationId: 'submitCase',
    summary: 'Submit a case for scoring',
    description:
      'Validates the body, stores the inputs, registers the deadline and enqueues one job per present modality. ' +
      'The result is fused as soon as every modality replied or the deadline passed; poll `GET /v1/cases/{id}` ' +
      '(with `?wait=10s` to long-poll) or stream `GET /v1/cases/{id}/events`. As `multipart/form-data`: a part ' +
      '`case` (the case JSON without image data; `inputs.imaging` omitted or `{"format": "dicom"}`) and a file ' +
      'part `image` (the DICOM Part 10 file as it is, `application/dicom`). With an `Idempotency-Key`, a retry ' +
      'with the same body returns the original case (200, no new jobs), even after it finished; a different body is a 409.',
    tags: ['cases'],
    scope: 'cases:write',
    parameters: [idempotencyKey],
    requestBody: {
      content: {
        'application/json': { zod: caseRequestSchema.meta({ id: 'CaseRequest' }) },
        'multipart/form-data': {
          jsonSchema: {
            type: 'object',
            required: ['case', 'image'],
            properties: {
              case: { type: 'string', description: 'The case JSON (CaseRequest) without inputs.imaging.data' },
              image: { type: 'string', contentMediaType: 'application/dicom', description: 'The DICOM Part 10 file' },
            },
          },
        },
      },
    },
    responses: {
      200: {
        description: 'Idempotency-Key replay: the case first submitted with this key and body (no new jobs)',
        content: { 'application/json': { zod: submitResponseSchema } },
        headers: { Location: { description: 'The case URL', schema: { type: 'string' } }, 'Idempotent-Replayed': { description: 'true', schema: { type: 'string' } } },
      },
      202: {
        description: 'Accepted: the case is pending',
        content: { 'application/json': { zod: submitResponseSchema } },
        headers: { Location: { description: 'The case URL', schema: { type: 'string' } } },
      },
      400: problem('Malformed body, multipart part or Idempotency-Key: every failing field or part is listed in `errors`'),
      409: problem('The Idempotency-Key was already used with a different body (`caseId` names that case)'),
      410: problem('The case this Idempotency-Key stands for no longer exists'),
      413: problem('Body (or a multipart part) larger than the configured limit'),
      415: problem('Not a supported media type'),
    },
  },
  {
    method: 'post',
    path: '/v1/cases:batch',
    operationId: 'submitCases',
    summary: 'Submit up to 100 cases at once',
    description:
      'Each item is submitted as if it had been sent alone to `POST /v1/cases` and gets its own result (`status` 202, ' +
      '200, 400, 409, ...) at its index: one bad item never fails the others, so the response is 200 whenever the ' +
      'envelope is valid. An item\'s `idempotencyKey` works like the header; an `Idempotency-Key` header on the batch ' +
      'gives each item without its own key the key `<header>:<index>`.',
    tags: ['cases'],
    scope: 'cases:write',
    parameters: [idempotencyKey],
    requestBody: { content: { 'application/json': { zod: batchRequestSchema } } },
    responses: {
      200: { description: 'One result per item, in order', content: { 'application/json': { zod: batchResponseSchema } } },
      400: problem('Malformed envelope (not `{"cases": [...]}`, empty, or more than 100 cases)'),
      413: problem('Body larger than LF_MAX_BATCH_BODY_BYTES'),
      415: problem('Not application/json'),
    },
  },
  {
    method: 'get',
    path: '/v1/cases/{id}',
    operationId: 'getCase',
    summary: 'Read a case and its fused result',
    tags: ['cases'],
    scope: 'cases:read',
    parameters: [
      caseId,
      {
        name: 'wait',
        in: 'query',
        required: false,
        description: 'Long-poll: answer as soon as the case is final, or after this long (`10s`, `500ms`, or seconds; at most LF_MAX_WAIT_MS, 30 s by default)',
        schema: { type: 'string', pattern: '^\\d+(\\.\\d+)?(ms|s)?$' },
      },
    ],
    responses: {
      200: { description: 'The case (pending until its result is stored)', content: { 'application/json': { zod: caseResponseSchema } } },
      400: problem('Malformed `wait`'),
      404: problem('No such case for this tenant'),
    },
  },
  {
    method: 'get',
    path: '/v1/cases/{id}/events',
    operationId: 'streamCaseEvents',
    summary: "Server-sent events of the case's lifecycle",
    description:
      'Replays the case\'s events, then sends new ones as they happen: `submitted`, `score` (per modality), ' +
      '`finalized`, `result` (the same body as GET /v1/cases/{id}) and `late-score`. Each event\'s `id` is its stream ' +
      'id: reconnect with `Last-Event-ID` to resume. A comment line every LF_SSE_HEARTBEAT_MS keeps proxies from ' +
      'closing an idle stream; the stream ends LF_SSE_GRACE_MS after the result (late scores still arrive). ' +
      'A reconnect to a stream that has ended gets 204, which tells an EventSource to stop.',
    tags: ['cases'],
    scope: 'cases:read',
    parameters: [
      caseId,
      { name: 'Last-Event-ID', in: 'header', required: false, description: 'Resume after this event id', schema: { type: 'string', pattern: '^\\d+-\\d+$' } },
    ],
    responses: {
      200: {
        description: 'text/event-stream: `id: <stream id>`, `event: <type>`, `data: <one JSON object>` per event',
        content: { 'text/event-stream': { jsonSchema: { type: 'string' } } },
      },
      204: { description: 'The stream has ended for good (the case is final, its grace period over, nothing after Last-Event-ID)' },
      400: problem('Malformed Last-Event-ID'),
      404: problem('No such case for this tenant'),
    },
  },
  {
    method: 'post',
    path: '/fhir/R4/Bundle',
    operationId: 'submitFhirBundle',
    summary: 'Submit a case as a FHIR R4 Bundle',
    description:
      'A `collection` or `transaction` Bundle: a Patient, vital-sign Observations by LOINC (heart rate 8867-4, ' +
      'respiratory rate 9279-1, SpO2 2708-6/59408-5, temperature 8310-5, systolic 8480-6, diastolic 8462-4, BP panel ' +
      '85354-9), lab Observations by LOINC, and the slice as a DICOM attachment (Media, Binary or DocumentReference). ' +
      'UCUM units are converted where the model expects another unit. The case is then submitted exactly like ' +
      '`POST /v1/cases` (Idempotency-Key included); the answer reports unknown codes, conversions and ignored ' +
      'resources. Mapping tables: libs/fhir/README.md.',
    tags: ['fhir'],
    scope: 'cases:write',
    parameters: [idempotencyKey],
    requestBody: {
      content: {
        'application/fhir+json': { jsonSchema: FHIR_BUNDLE_SCHEMA },
        'application/json': { jsonSchema: FHIR_BUNDLE_SCHEMA },
      },
    },
    responses: {
      202: {
        description: 'Accepted: the case is pending (Location: its RiskAssessment)',
        content: { 'application/json': { jsonSchema: FHIR_SUBMIT_RESPONSE_SCHEMA } },
        headers: { Location: { description: '/fhir/R4/RiskAssessment/{id}', schema: { type: 'string' } } },
      },
      200: { description: 'Idempotency-Key replay: the original case', content: { 'application/json': { jsonSchema: FHIR_SUBMIT_RESPONSE_SCHEMA } } },
      400: problem('The Bundle cannot be read as a case; `errors` name each problem by its path in the Bundle'),
      409: problem('The Idempotency-Key was used with a different body'),
      410: problem("The Idempotency-Key's case no longer exists"),
      413: problem('Body larger than the configured limit'),
      415: problem('Not application/fhir+json or application/json'),
    },
  },
  {
    method: 'get',
    path: '/fhir/R4/RiskAssessment/{id}',
    operationId: 'getRiskAssessment',
    summary: "The case's result as a FHIR R4 RiskAssessment",
    description:
      '`registered` while the case is pending, `final` once fused: prediction[0].probabilityDecimal (0..1) and ' +
      'qualitativeRisk, method (the fusion strategy and model versions), basis (the submitted inputs), and each ' +
      "modality's contribution in the extension https://late-fusion.example/fhir/StructureDefinition/modality-contribution.",
    tags: ['fhir'],
    scope: 'cases:read',
    parameters: [caseId],
    responses: {
      200: { description: 'A RiskAssessment resource', content: { 'application/fhir+json': { jsonSchema: FHIR_RESOURCE_SCHEMA('RiskAssessment') } } },
      404: problem('No such case for this tenant'),
    },
  },
  {
    method: 'post',
    path: '/v1/webhooks',
    operationId: 'registerWebhook',
    summary: 'Register a callback URL for case.finalized events',
    description:
      "Only hosts on the tenant's allow-list (tenants file `webhooks.allowedHosts`), https unless allowed, and no private " +
      'or loopback addresses unless allowed; the URL is checked again at every delivery (DNS rebinding) and redirects ' +
      'are never followed. The answer carries the signing `secret`, shown this once. Deliveries are signed ' +
      '(`LF-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`) and retried with exponential ' +
      'backoff; see libs/webhooks/README.md for the scheme and a receiver.',
    tags: ['webhooks'],
    scope: 'webhooks:manage',
    requestBody: { content: { 'application/json': { zod: webhookRegistrationSchema.meta({ id: 'WebhookRegistration' }) } } },
    responses: {
      201: { description: 'Registered', content: { 'application/json': { jsonSchema: { ...WEBHOOK_SCHEMA, required: [...WEBHOOK_SCHEMA.required, 'secret'], properties: { ...WEBHOOK_SCHEMA.properties, secret: { type: 'string', description: 'The signing secret (shown once)' } } } } } },
      400: problem('Malformed body'),
      409: problem('The URL is already registered, or the tenant has as many webhooks as allowed'),
      422: problem("The URL breaks the tenant's webhook policy (errors[0] says why)"),
    },
  },
  {
    method: 'get',
    path: '/v1/webhooks',
    operationId: 'listWebhooks',
    summary: "The tenant's webhooks (without secrets)",
    tags: ['webhooks'],
    scope: 'webhooks:manage',
    responses: { 200: { description: 'Webhooks', content: { 'application/json': { jsonSchema: { type: 'object', properties: { webhooks: { type: 'array', items: WEBHOOK_SCHEMA } } } } } } },
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}',
    operationId: 'getWebhook',
    summary: 'One webhook (without its secret)',
    tags: ['webhooks'],
    scope: 'webhooks:manage',
    parameters: [{ name: 'id', in: 'path', required: true, description: 'The webhook id from its registration', schema: { type: 'string' } }],
    responses: { 200: { description: 'The webhook', content: { 'application/json': { jsonSchema: WEBHOOK_SCHEMA } } }, 404: problem('No such webhook for this tenant') },
  },
  {
    method: 'delete',
    path: '/v1/webhooks/{id}',
    operationId: 'deleteWebhook',
    summary: 'Delete a webhook (its queued deliveries are dropped)',
    tags: ['webhooks'],
    scope: 'webhooks:manage',
    parameters: [{ name: 'id', in: 'path', required: true, description: 'The webhook id from its registration', schema: { type: 'string' } }],
    responses: { 204: { description: 'Deleted' }, 404: problem('No such webhook for this tenant') },
  },
  {
    method: 'post',
    path: '/v1/webhooks/{id}/secret',
    operationId: 'rotateWebhookSecret',
    summary: 'Rotate the signing secret',
    description: 'Returns the new secret (shown once). Until previousSecretExpiresAt, deliveries carry a v1 signature with each secret, so receivers can switch without losing events.',
    tags: ['webhooks'],
    scope: 'webhooks:manage',
    parameters: [{ name: 'id', in: 'path', required: true, description: 'The webhook id from its registration', schema: { type: 'string' } }],
    responses: {
      200: { description: 'The new secret', content: { 'application/json': { jsonSchema: { type: 'object', required: ['secret'], properties: { secret: { type: 'string' }, previousSecretExpiresAt: { type: 'string', format: 'date-time' } } } } } },
      404: problem('No such webhook for this tenant'),
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
