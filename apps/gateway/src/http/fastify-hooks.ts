import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { throttled, type Logger } from '@lf/observability';
import type { RateLimitPolicy } from '@lf/redis';
import type { AccessMetrics } from '../auth/access-metrics';
import { bearerToken } from '../auth/api-keys';
import { isProtectedUrl, type ScopePolicy } from '../auth/scope-policy';
import type { GatewayMetrics } from '../gateway-metrics';
import type { BackpressureState } from '../limits/backpressure';
import { rateLimitHeaders, type RateLimitResult } from '../limits/tenant-rate-limiter';
import type { Principal, TenantTable } from '../tenants/tenant-table';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, simpleProblem, type Problem } from './problem';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: set by the access-control hook on every API route (undefined elsewhere). */
    principal?: Principal;
    /** `principal.tenant`, kept for handlers written against it. */
    tenant?: string;
  }
}

export interface AccessControlDeps {
  /** The live table (swapped on reload): read per request, never cached. */
  tenants: { readonly table: TenantTable };
  policy: ScopePolicy;
  limiter: { check(tenant: string, policy: RateLimitPolicy): Promise<RateLimitResult> };
  /** For tenants without their own `rateLimit`. */
  defaultRateLimit: RateLimitPolicy;
  backpressure: { readonly state: BackpressureState };
  backpressureRetryAfterSeconds: number;
  metrics: GatewayMetrics;
  access: AccessMetrics;
  logger: Logger;
  now?: () => number;
}

function problem(reply: FastifyReply, status: number, body: Problem & { missingScope?: string }, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(body);
}

/**
 * Access control as one Fastify `onRequest` hook rather than Nest guards: it runs before the body is read
 * and parsed, so an unauthenticated, forbidden, throttled or shed request never makes the gateway parse
 * 10 MB of JSON, let alone write anything. In order:
 *   1. routes outside /v1/ and /fhir/ (health, metrics, docs): no key, no limits;
 *   2. 401 (`WWW-Authenticate: Bearer`) without a valid, unexpired key;
 *   3. 403 naming the scope the route needs (scope-policy.ts) when the key lacks it;
 *   4. 503 + Retry-After for submissions (routes needing `cases:write`) under backpressure: before the
 *      rate limit, so shedding costs Redis nothing;
 *   5. 429 + Retry-After when the tenant's budget is spent (RateLimit-* headers on every limited response).
 */
export function installAccessControl(fastify: FastifyInstance, deps: AccessControlDeps): void {
  const { logger, metrics, access } = deps;
  const now = deps.now ?? Date.now;
  const undeclaredLogged = new Set<string>();
  const warnLimiterDown = throttled(10_000, (err: Error) => logger.warn('rate limit not checked (Redis unavailable): letting requests through', { err }));
  fastify.decorateRequest('principal', undefined);
  fastify.decorateRequest('tenant', undefined);

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = deps.policy.accessFor(request.method, request.routeOptions.url, request.url);
    if (route.kind === 'public') return;

    const key = bearerToken(request.headers.authorization);
    const outcome = key === undefined ? undefined : deps.tenants.table.authenticate(key, now());
    if (!outcome?.ok) {
      const reason = outcome?.reason === 'expired-key' ? 'expired-key' : 'unauthorized';
      metrics.requestsRejected.inc({ reason });
      const detail =
        key === undefined ? 'send an API key as "Authorization: Bearer <key>"' : reason === 'expired-key' ? 'the API key has expired' : 'the API key is not valid';
      return problem(reply, 401, simpleProblem(401, PROBLEM_TYPES.unauthorized, 'Unauthorized', detail), {
        'www-authenticate': `Bearer realm="late-fusion"${key === undefined ? '' : ', error="invalid_token"'}`,
      });
    }
    const { principal } = outcome;
    request.principal = principal;
    request.tenant = principal.tenant;

    if (route.kind === 'undeclared') {
      // A served API route missing from the route table (and so from the OpenAPI document): a wiring bug.
      if (!undeclaredLogged.has(route.route)) {
        undeclaredLogged.add(route.route);
        logger.error('route declares no API-key scope in the route table; refusing it', { route: route.route });
      }
      metrics.requestsRejected.inc({ reason: 'forbidden' });
      return problem(reply, 403, simpleProblem(403, PROBLEM_TYPES.forbidden, 'Forbidden', 'this route declares no scope, so no key may use it'));
    }
    const scope = route.kind === 'scope' ? route.scope : undefined;
    if (scope !== undefined && !principal.scopes.includes(scope)) {
      metrics.requestsRejected.inc({ reason: 'forbidden' });
      return problem(reply, 403, {
        ...simpleProblem(403, PROBLEM_TYPES.forbidden, 'Forbidden', `this API key lacks the scope '${scope}'`),
        missingScope: scope,
      });
    }

    if (scope === 'cases:write') {
      const state = deps.backpressure.state;
      if (state.active) {
        metrics.requestsRejected.inc({ reason: 'backpressure' });
        return problem(
          reply,
          503,
          simpleProblem(503, PROBLEM_TYPES.overloaded, 'Service Unavailable', 'the system is shedding load (work queues or Redis memory past their limits); nothing was stored, retry later'),
          { 'retry-after': String(deps.backpressureRetryAfterSeconds) },
        );
      }
    }

    const limit = deps.tenants.table.tenant(principal.tenant)?.rateLimit ?? deps.defaultRateLimit;
    const result = await deps.limiter.check(principal.tenant, limit);
    if (result.kind === 'unavailable') {
      access.rateLimitErrors.inc();
      warnLimiterDown(result.error);
      return;
    }
    const headers = rateLimitHeaders(result.policy, result.decision);
    if (result.kind === 'denied') {
      metrics.requestsRejected.inc({ reason: 'rate-limited' });
      access.rateLimited.inc({ tenant: principal.tenant });
      return problem(
        reply,
        429,
        simpleProblem(
          429,
          PROBLEM_TYPES.rateLimited,
          'Too Many Requests',
          `the rate limit of ${result.policy.requestsPerSecond} requests/s (burst ${result.policy.burst}) for this tenant is spent; retry after ${headers['retry-after']} s`,
        ),
        headers,
      );
    }
    void reply.headers(headers);
  });

  // Case data is patient data: no intermediary may cache it.
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (isProtectedUrl(request.routeOptions.url ?? request.url)) reply.header('cache-control', 'no-store');
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
