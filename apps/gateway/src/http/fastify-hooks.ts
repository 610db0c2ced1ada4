import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, type ApiKeyTable } from '../auth/api-keys';
import type { GatewayMetrics } from '../gateway-metrics';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, simpleProblem } from './problem';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the API-key hook for /v1/ routes. */
    tenant?: string;
  }
}

/** Routes under this prefix need an API key; /health and /metrics do not. */
export const API_PREFIX = '/v1/';

/**
 * API-key authentication as a Fastify `onRequest` hook rather than a Nest guard: it runs before the
 * body is read and parsed, so an unauthenticated client cannot make the gateway parse 10 MB of JSON.
 */
export function installApiKeyAuth(fastify: FastifyInstance, keys: ApiKeyTable, metrics: GatewayMetrics): void {
  fastify.decorateRequest('tenant', undefined);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith(API_PREFIX)) return;
    const key = bearerToken(request.headers.authorization);
    const tenant = key === undefined ? undefined : keys.tenantFor(key);
    if (tenant === undefined) {
      metrics.requestsRejected.inc({ reason: 'unauthorized' });
      const detail = key === undefined ? 'send an API key as "Authorization: Bearer <key>"' : 'the API key is not valid';
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="late-fusion"')
        .type(PROBLEM_CONTENT_TYPE)
        .send(simpleProblem(401, PROBLEM_TYPES.unauthorized, 'Unauthorized', detail));
    }
    request.tenant = tenant;
  });
  // Case data is patient data: no intermediary may cache it.
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith(API_PREFIX)) reply.header('cache-control', 'no-store');
    return payload;
  });
}

/** Request counts and durations by route template (never the raw URL: case ids would explode cardinality). */
export function installHttpMetrics(fastify: FastifyInstance, metrics: GatewayMetrics): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}
