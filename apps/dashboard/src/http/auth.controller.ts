import { Body, Controller, Headers, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from '@lf/observability';
import type { DashboardKeyTable } from '../auth/dashboard-keys';
import { clearedSessionCookie, parseCookies, SESSION_COOKIE, sessionCookie, type SessionStore } from '../auth/sessions';
import { AUTH } from '../dashboard.tokens';
import { ProblemException } from './problem';

export interface AuthDeps {
  keys: DashboardKeyTable;
  sessions: SessionStore;
  sessionTtlMs: number;
  cookieSecure: boolean;
  logger: Logger;
}

/**
 * POST /login exchanges a key for a session cookie (HttpOnly, SameSite=Strict): a form post (303 to / or
 * back to /login?failed=1) or JSON `{"key"}` (204 / 401). POST /logout ends the session. The key is never
 * logged; the key id (from the key table) is.
 */
@Controller()
export class AuthController {
  constructor(@Inject(AUTH) private readonly deps: AuthDeps) {}

  @Post('login')
  @HttpCode(303)
  login(@Body() body: unknown, @Headers('content-type') contentType: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): void {
    const { keys, sessions, logger } = this.deps;
    const raw = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['key'] : undefined;
    const key = typeof raw === 'string' ? raw.trim() : '';
    const wantsJson = (contentType ?? '').includes('application/json');
    const principal = key ? keys.verify(key) : undefined;
    if (!principal) {
      logger.warn('dashboard sign-in refused', { reason: key ? 'unknown or expired key, or no dashboard:read scope' : 'no key' });
      if (wantsJson) {
        throw new ProblemException({ type: 'urn:lf:problem:unauthorized', title: 'Unauthorized', status: 401, detail: 'unknown or expired key, or the key lacks the dashboard:read scope' });
      }
      void reply.header('location', '/login?failed=1').header('cache-control', 'no-store');
      return;
    }
    const token = sessions.create(principal.digest);
    logger.info('dashboard sign-in', { keyId: principal.keyId });
    void reply.header('set-cookie', sessionCookie(token, { maxAgeSeconds: this.deps.sessionTtlMs / 1000, secure: this.deps.cookieSecure })).header('cache-control', 'no-store');
    if (wantsJson) void reply.code(204);
    else void reply.header('location', '/');
  }

  @Post('logout')
  @HttpCode(303)
  logout(@Headers('cookie') cookie: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): void {
    this.deps.sessions.delete(parseCookies(cookie)[SESSION_COOKIE]);
    void reply.header('set-cookie', clearedSessionCookie(this.deps.cookieSecure)).header('location', '/login');
  }
}
