/**
 * Browser sessions: the login form exchanges a dashboard key for a random session token in an HttpOnly,
 * SameSite=Strict cookie, so the key is typed once and never stored by the page (no localStorage, no JS
 * access). Sessions live in this process's memory: a restart signs everybody out, and each replica has
 * its own (the dashboard runs as one replica; behind several, pin sessions or use Bearer keys).
 * A session keeps only the key's digest, re-checked on every request (see dashboard-keys.ts).
 */
import { randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'lf_dashboard_session';

interface Session {
  digest: string;
  expiresAt: number;
}

export interface SessionStoreOptions {
  ttlMs: number;
  /** Oldest sessions are dropped beyond this many. Default 10 000. */
  max?: number;
  now?: () => number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly now: () => number;

  constructor(private readonly options: SessionStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.sessions.size;
  }

  create(digest: string): string {
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(token, { digest, expiresAt: this.now() + this.options.ttlMs });
    const max = this.options.max ?? 10_000;
    while (this.sessions.size > max) this.sessions.delete(this.sessions.keys().next().value as string);
    return token;
  }

  /** The key digest of a live session, or undefined (unknown or expired: an expired one is dropped). */
  digestOf(token: string | undefined): string | undefined {
    if (!token) return undefined;
    const session = this.sessions.get(token);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(token);
      return undefined;
    }
    return session.digest;
  }

  delete(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }
}

/** Cookie header -> name/value pairs (first occurrence wins; values are not URI-decoded: ours are base64url). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !(name in out)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

export function sessionCookie(token: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`, ...(options.secure ? ['Secure'] : [])].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { maxAgeSeconds: 0, secure });
}
