/**
 * Access control as one Fastify `onRequest` hook (before any handler or body parsing), like the gateway's:
 * - public: /health/*, /metrics (Kubernetes probes, Prometheus), /login, /assets/* (no data in them);
 * - /api/*: `Authorization: Bearer <key>` or the session cookie, else 401 problem+json;
 * - pages (/, /jobs): the session cookie (or a Bearer header), else a redirect to /login.
 * Login and logout (auth.controller.ts) are plain form posts: the cookie is HttpOnly + SameSite=Strict, so no
 * script can read it and no other site can make the browser send it; nothing else changes state (every API
 * route is a GET).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DashboardKeyTable, Principal } from './dashboard-keys';
import { parseCookies, SESSION_COOKIE, type SessionStore } from './sessions';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is looking (set by the access hook on protected routes). */
    dashboardPrincipal?: Principal;
  }
}

export interface DashboardAuthDeps {
  keys: DashboardKeyTable;
  sessions: SessionStore;
}

const PUBLIC = [/^\/health\//, /^\/metrics$/, /^\/login$/, /^\/logout$/, /^\/assets\//, /^\/favicon\.ico$/];
const PAGES = new Set(['/', '/jobs']);

export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

const pathOf = (url: string) => url.split('?')[0];

export function installDashboardAuth(fastify: FastifyInstance, deps: DashboardAuthDeps): void {
  const { keys, sessions } = deps;
  fastify.decorateRequest('dashboardPrincipal', undefined);

  const principalOf = (request: FastifyRequest): Principal | undefined => {
    const bearer = bearerToken(request.headers.authorization);
    if (bearer !== undefined) return keys.verify(bearer);
    const digest = sessions.digestOf(parseCookies(request.headers.cookie)[SESSION_COOKIE]);
    return digest === undefined ? undefined : keys.verifyDigest(digest);
  };

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = pathOf(request.url);
    if (PUBLIC.some((p) => p.test(path))) return;
    const principal = principalOf(request);
    if (principal) {
      request.dashboardPrincipal = principal;
      return;
    }
    if (PAGES.has(path) && request.method === 'GET') {
      return reply.code(303).header('location', '/login').header('cache-control', 'no-store').send();
    }
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="lf-dashboard"')
      .header('cache-control', 'no-store')
      .type('application/problem+json')
      .send({
        type: 'urn:lf:problem:unauthorized',
        title: 'Unauthorized',
        status: 401,
        detail: 'send Authorization: Bearer <dashboard key> (a key with the dashboard:read scope), or sign in at /login',
      });
  });
}
