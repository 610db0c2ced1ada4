import type { WebhookPolicy } from '@lf/contracts';
import { checkCallbackUrl, hostAllowed, systemResolver, type ResolvedAddress, type Resolver } from './callback-url-policy';

const policy = (over: Partial<WebhookPolicy> = {}): WebhookPolicy => ({
  allowedHosts: ['hooks.example.org', '*.hospital.example', '203.0.113.7', '::1', '127.0.0.1'],
  allowPrivateNetworks: false,
  allowHttp: false,
  ...over,
});

/** A fake DNS: host -> addresses; anything else is NXDOMAIN. Records every lookup. */
function fakeDns(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (host: string): Promise<ResolvedAddress[]> => {
    calls.push(host);
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

const dns = fakeDns({
  'hooks.example.org': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'a.hospital.example': ['198.51.100.10'],
  'intranet.hospital.example': ['10.20.30.40'],
  'mixed.hospital.example': ['198.51.100.11', '192.168.0.5'],
  'rebind.hospital.example': ['::ffff:127.0.0.1'],
  'meta.hospital.example': ['169.254.169.254'],
  'empty.hospital.example': [],
});

describe('checkCallbackUrl', () => {
  it('accepts an https URL on the allow-list that resolves to public addresses, returning them', async () => {
    const check = await checkCallbackUrl('https://hooks.example.org/lf/events?source=lf', policy(), dns);
    expect(check).toMatchObject({ ok: true, hostname: 'hooks.example.org' });
    if (!check.ok) throw new Error('unreachable');
    expect(check.url.href).toBe('https://hooks.example.org/lf/events?source=lf');
    expect(check.addresses.map((a) => a.address)).toEqual(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']);
  });

  it.each([
    ['not a url', 'invalid-url'],
    ['/relative/path', 'invalid-url'],
    ['', 'invalid-url'],
    [`https://hooks.example.org/${'x'.repeat(2100)}`, 'invalid-url'],
    ['http://hooks.example.org/x', 'scheme-not-allowed'],
    ['ftp://hooks.example.org/x', 'scheme-not-allowed'],
    ['file:///etc/passwd', 'scheme-not-allowed'],
    ['javascript:alert(1)', 'scheme-not-allowed'],
    ['https://user:pass@hooks.example.org/x', 'credentials-in-url'],
    ['https://user@hooks.example.org/x', 'credentials-in-url'],
    ['https://hooks.example.org/x#frag', 'fragment-in-url'],
    ['https://evil.example.com/x', 'host-not-allowed'],
    ['https://hooks.example.org.evil.com/x', 'host-not-allowed'],
    ['https://hospital.example/x', 'host-not-allowed'],
    ['https://a.b.hospital.example/x', 'host-not-allowed'],
    ['https://8.8.8.8/x', 'host-not-allowed'],
  ])('rejects %s (%s) permanently, before any DNS lookup', async (url, problem) => {
    dns.calls.length = 0;
    const check = await checkCallbackUrl(url, policy(), dns);
    expect(check).toMatchObject({ ok: false, problem, permanent: true });
    expect(dns.calls).toEqual([]);
  });

  it('explains each rejection in a sentence', async () => {
    expect(await checkCallbackUrl('http://hooks.example.org/', policy(), dns)).toMatchObject({ reason: 'the URL must use https (plain http is not allowed for this tenant)' });
    expect(await checkCallbackUrl('https://evil.example.com/', policy(), dns)).toMatchObject({ reason: "host 'evil.example.com' is not on this tenant's webhook allow-list" });
    expect(await checkCallbackUrl('https://hooks.example.org/', policy({ allowedHosts: [] }), dns)).toMatchObject({
      problem: 'host-not-allowed',
      reason: 'this tenant has no webhook hosts on its allow-list',
    });
  });

  it('allows http only with allowHttp', async () => {
    expect((await checkCallbackUrl('http://hooks.example.org/x', policy({ allowHttp: true }), dns)).ok).toBe(true);
  });

  it('matches a wildcard entry for exactly one more label, case-insensitively and ignoring a trailing dot', async () => {
    expect((await checkCallbackUrl('https://A.Hospital.Example./x', policy(), dns)).ok).toBe(true);
    expect(hostAllowed('a.hospital.example', ['*.hospital.example'])).toBe(true);
    expect(hostAllowed('hospital.example', ['*.hospital.example'])).toBe(false);
    expect(hostAllowed('a.b.hospital.example', ['*.hospital.example'])).toBe(false);
    expect(hostAllowed('ahospital.example', ['*.hospital.example'])).toBe(false);
    expect(hostAllowed('hooks.example.org', ['HOOKS.Example.org.'])).toBe(true);
    expect(hostAllowed('xn--bcher-kva.example', ['bücher.example'])).toBe(true);
  });

  it('matches IP literal hosts only against listed addresses, never against wildcards', async () => {
    expect(hostAllowed('::1', ['0:0::1'])).toBe(true);
    expect(hostAllowed('[::1]', ['::1'])).toBe(true);
    expect(hostAllowed('10.0.0.1', ['*.0.0.1'])).toBe(false);
    expect((await checkCallbackUrl('https://203.0.113.7/x', policy(), dns)).ok).toBe(true);
  });

  it('rejects hosts that resolve to a private address unless allowPrivateNetworks (retryable: DNS may change)', async () => {
    expect(await checkCallbackUrl('https://intranet.hospital.example/x', policy(), dns)).toMatchObject({
      ok: false,
      problem: 'private-address',
      permanent: false,
      reason: "host 'intranet.hospital.example' resolves to 10.20.30.40, a private network address (10.0.0.0/8), and this tenant does not allow private networks",
    });
    expect((await checkCallbackUrl('https://intranet.hospital.example/x', policy({ allowPrivateNetworks: true }), dns)).ok).toBe(true);
  });

  it('rejects a host if any of its addresses is private (no picking the good one)', async () => {
    expect(await checkCallbackUrl('https://mixed.hospital.example/', policy(), dns)).toMatchObject({ ok: false, problem: 'private-address' });
  });

  it('sees through IPv4-mapped IPv6 answers', async () => {
    expect(await checkCallbackUrl('https://rebind.hospital.example/', policy(), dns)).toMatchObject({ ok: false, problem: 'private-address' });
  });

  it('never allows the cloud metadata endpoint, whatever the policy', async () => {
    expect(await checkCallbackUrl('https://meta.hospital.example/', policy({ allowPrivateNetworks: true }), dns)).toMatchObject({ ok: false, problem: 'forbidden-address' });
  });

  it('judges literal IP hosts without DNS: private ones are a permanent rejection', async () => {
    dns.calls.length = 0;
    expect(await checkCallbackUrl('https://127.0.0.1:8443/x', policy(), dns)).toMatchObject({ ok: false, problem: 'private-address', permanent: true });
    expect(await checkCallbackUrl('https://[::1]/x', policy(), dns)).toMatchObject({ ok: false, problem: 'private-address', permanent: true });
    // WHATWG URL normalises 0x7f.1 and 2130706433 to 127.0.0.1 before the check sees them.
    expect(await checkCallbackUrl('https://2130706433/x', policy(), dns)).toMatchObject({ ok: false, problem: 'private-address' });
    const allowed = await checkCallbackUrl('http://127.0.0.1:8080/x', policy({ allowPrivateNetworks: true, allowHttp: true }), dns);
    expect(allowed).toMatchObject({ ok: true, addresses: [{ address: '127.0.0.1', family: 4 }] });
    expect(dns.calls).toEqual([]);
  });

  it('reports a host that does not resolve, as retryable', async () => {
    expect(await checkCallbackUrl('https://gone.hospital.example/', policy(), dns)).toMatchObject({
      ok: false,
      problem: 'unresolvable-host',
      permanent: false,
      reason: "host 'gone.hospital.example' does not resolve (ENOTFOUND)",
    });
    expect(await checkCallbackUrl('https://empty.hospital.example/', policy(), dns)).toMatchObject({ ok: false, problem: 'unresolvable-host' });
  });

  it('resolves with the system resolver by default (localhost is loopback)', async () => {
    const check = await checkCallbackUrl('http://localhost:9/x', policy({ allowedHosts: ['localhost'], allowHttp: true }));
    expect(check).toMatchObject({ ok: false, problem: 'private-address' });
    expect((await systemResolver('localhost')).length).toBeGreaterThan(0);
  });
});
