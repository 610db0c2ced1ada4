import { clearedSessionCookie, parseCookies, SESSION_COOKIE, sessionCookie, SessionStore } from './sessions';

describe('sessions', () => {
  it('issues random tokens that map to the key digest until they expire', () => {
    let now = 0;
    const store = new SessionStore({ ttlMs: 1000, now: () => now });
    const a = store.create('digest-a');
    const b = store.create('digest-a');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.digestOf(a)).toBe('digest-a');
    now = 1000;
    expect(store.digestOf(a)).toBeUndefined();
    expect(store.size).toBe(1);
    expect(store.digestOf('forged')).toBeUndefined();
    expect(store.digestOf(undefined)).toBeUndefined();
  });

  it('forgets a deleted session and the oldest ones past the cap', () => {
    const store = new SessionStore({ ttlMs: 60_000, max: 2 });
    const first = store.create('d1');
    const second = store.create('d2');
    store.create('d3');
    expect(store.digestOf(first)).toBeUndefined();
    store.delete(second);
    expect(store.digestOf(second)).toBeUndefined();
  });

  it('sets an HttpOnly, SameSite=Strict cookie (Secure on request) and parses cookie headers', () => {
    expect(sessionCookie('tok', { maxAgeSeconds: 3600, secure: false })).toBe(`${SESSION_COOKIE}=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600`);
    expect(sessionCookie('tok', { maxAgeSeconds: 60, secure: true })).toMatch(/; Secure$/);
    expect(clearedSessionCookie(false)).toMatch(/Max-Age=0/);
    expect(parseCookies(`a=1; ${SESSION_COOKIE}=xyz; b=2`)).toEqual({ a: '1', [SESSION_COOKIE]: 'xyz', b: '2' });
    expect(parseCookies(undefined)).toEqual({});
  });
});
