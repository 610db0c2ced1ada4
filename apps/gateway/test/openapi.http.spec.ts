/**
 * The OpenAPI document is generated from the route table and the zod schemas the gateway validates with.
 * Here it must (1) be a valid OpenAPI 3.1 document, (2) cover exactly the routes Fastify serves, and
 * (3) describe what the gateway really answers: real responses are checked against the documented schemas.
 */
import { validate } from '@readme/openapi-parser';
import { caseResponseSchema, problemSchema, submitResponseSchema } from '@lf/contracts';
import { createLogger } from '@lf/observability';
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import { gatewayConfigFromEnv } from '../src/config/gateway.config';
import { createGateway, type Gateway } from '../src/create-gateway';
import { API_ROUTES, UNDOCUMENTED_ROUTES } from '../src/openapi/api-routes';
import { openApiPath as routeTemplateToPath } from '../src/auth/scope-policy';

jest.setTimeout(30_000);

const KEY = 'openapi-key-0123456789';
let server: RedisServerHandle;
let gateway: Gateway;

beforeAll(async () => {
  server = await startRedisServer();
  const config = gatewayConfigFromEnv({ LF_API_KEYS: `north:${KEY}`, REDIS_URL: server.url });
  gateway = await createGateway(config, { logger: createLogger({ app: 'openapi-test', sink: () => undefined }) });
});

afterAll(async () => {
  await gateway?.close();
  await server?.stop();
});

/** Fastify's `/v1/cases/:id` as the document's `/v1/cases/{id}` (and `/v1/cases::batch` as `/v1/cases:batch`). */
const openApiPath = (url: string) => routeTemplateToPath(url);

describe('OpenAPI document', () => {
  it('is served at /openapi.json and is a valid OpenAPI 3.1 document', async () => {
    const res = await gateway.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const document = res.json();
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document));
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents exactly the routes the gateway serves', async () => {
    const document = (await gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const served = new Set(
      gateway.routes
        .filter((r) => r.method !== 'HEAD' && !UNDOCUMENTED_ROUTES.some((pattern) => pattern.test(r.url)))
        .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`),
    );
    const documented = new Set(Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`)));
    expect([...served].sort()).toEqual([...documented].sort());
    expect(API_ROUTES.length).toBe(documented.size);
  });

  it('names the scope of every authenticated operation and the problem responses it can send', async () => {
    const document = (await gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security: unknown[]; 'x-required-scope'?: string; responses: Record<string, unknown> }>>;
    };
    const submit = document.paths['/v1/cases']['post'];
    expect(submit['x-required-scope']).toBe('cases:write');
    expect(submit.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(submit.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '413', '415', '429', '503']));
    expect(document.paths['/health/live']['get'].security).toEqual([]);
  });

  it('describes real responses: a submission, a pending case and a validation problem match their schemas', async () => {
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const body = { patientRef: 'p-1', inputs: { tabular: { ageYears: 70 } } };
    const submitted = await gateway.app.inject({ method: 'POST', url: '/v1/cases', headers, payload: JSON.stringify(body) });
    expect(submitResponseSchema.safeParse(submitted.json()).success).toBe(true);
    const read = await gateway.app.inject({ method: 'GET', url: `/v1/cases/${submitted.json().caseId}`, headers });
    expect(caseResponseSchema.safeParse(read.json()).error).toBeUndefined();
    const invalid = await gateway.app.inject({ method: 'POST', url: '/v1/cases', headers, payload: JSON.stringify({ inputs: 3 }) });
    expect(invalid.statusCode).toBe(400);
    expect(problemSchema.safeParse(invalid.json()).error).toBeUndefined();
  });

  it('serves the interactive page and its assets from the installed package (no CDN)', async () => {
    const page = await gateway.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const scripts = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.every((url) => url.startsWith('/docs/'))).toBe(true);
    for (const url of scripts) {
      const asset = await gateway.app.inject({ method: 'GET', url });
      expect([url, asset.statusCode]).toEqual([url, 200]);
      expect(asset.body.length).toBeGreaterThan(20);
    }
    expect((await gateway.app.inject({ method: 'GET', url: '/docs/package.json' })).statusCode).toBe(404);
  });
});
