import { API_ROUTES } from '../openapi/api-routes';
import { openApiPath, scopePolicyFrom } from './scope-policy';

const policy = scopePolicyFrom([
  { method: 'post', path: '/v1/cases', scope: 'cases:write' },
  { method: 'post', path: '/v1/cases:batch', scope: 'cases:write' },
  { method: 'get', path: '/v1/cases/{id}', scope: 'cases:read' },
  { method: 'post', path: '/v1/webhooks', scope: 'webhooks:manage' },
  { method: 'get', path: '/fhir/R4/RiskAssessment/{id}', scope: 'cases:read' },
  { method: 'get', path: '/health/ready' },
]);

describe('scopePolicyFrom', () => {
  it.each([
    ['POST', '/v1/cases', '/v1/cases', { kind: 'scope', scope: 'cases:write' }],
    ['POST', '/v1/cases::batch', '/v1/cases:batch', { kind: 'scope', scope: 'cases:write' }],
    ['GET', '/v1/cases/:id', '/v1/cases/abc?wait=10s', { kind: 'scope', scope: 'cases:read' }],
    ['HEAD', '/v1/cases/:id', '/v1/cases/abc', { kind: 'scope', scope: 'cases:read' }],
    ['POST', '/v1/webhooks', '/v1/webhooks', { kind: 'scope', scope: 'webhooks:manage' }],
    ['GET', '/fhir/R4/RiskAssessment/:id', '/fhir/R4/RiskAssessment/abc', { kind: 'scope', scope: 'cases:read' }],
    ['GET', '/health/ready', '/health/ready', { kind: 'public' }],
    ['GET', '/metrics', '/metrics', { kind: 'public' }],
    ['GET', undefined, '/nothing-here', { kind: 'public' }],
    ['GET', undefined, '/v1/nothing-here', { kind: 'authenticated' }],
    ['DELETE', '/v1/cases/:id', '/v1/cases/abc', { kind: 'undeclared', route: 'DELETE /v1/cases/{id}' }],
    // A URL that routes to an API route is judged by the route, whatever its raw spelling.
    ['POST', '/v1/cases', '/%761/cases', { kind: 'scope', scope: 'cases:write' }],
  ] as const)('%s %s (%s) -> %j', (method, route, url, expected) => {
    expect(policy.accessFor(method, route, url)).toEqual(expected);
  });

  it('converts Fastify templates to OpenAPI paths', () => {
    expect(openApiPath('/v1/cases/:id/events')).toBe('/v1/cases/{id}/events');
    expect(openApiPath('/v1/cases::batch')).toBe('/v1/cases:batch');
  });

  it('gives every documented API route a scope (the table the gateway enforces)', () => {
    const api = API_ROUTES.filter((r) => /^\/(v1|fhir)\//.test(r.path));
    expect(api.length).toBeGreaterThan(0);
    for (const route of api) expect({ route: `${route.method} ${route.path}`, scope: route.scope }).toEqual({ route: `${route.method} ${route.path}`, scope: expect.any(String) });
  });
});
