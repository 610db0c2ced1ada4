import { lookup } from 'node:dns/promises';
import { WEBHOOK_URL_MAX_LENGTH, type WebhookPolicy } from '@lf/contracts';
import { classifyAddress, parseIpv4, parseIpv6, sameAddress } from './ip-address';

/**
 * Where a tenant's callbacks may go (SSRF protection). Checked when a webhook is registered AND before every
 * delivery: DNS can change between the two (DNS rebinding), so the dispatcher connects to exactly the
 * addresses this check resolved and approved (`deliverWebhook` pins them with `lookup`).
 */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address a client might connect to. Injectable for tests. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export type CallbackUrlProblem =
  | 'invalid-url'
  | 'scheme-not-allowed'
  | 'credentials-in-url'
  | 'fragment-in-url'
  | 'host-not-allowed'
  | 'unresolvable-host'
  | 'private-address'
  | 'forbidden-address';

export type CallbackUrlCheck =
  | { ok: true; url: URL; hostname: string; addresses: ResolvedAddress[] }
  | {
      ok: false;
      problem: CallbackUrlProblem;
      /** One sentence for a 4xx response or an audit record; names the rule, never a secret. */
      reason: string;
      /**
       * true when only a change of URL or policy can fix it (bad scheme, host not allowed, literal private IP);
       * false when it depends on DNS, which may change (a delivery is retried).
       */
      permanent: boolean;
    };

const DNS_TIMEOUT_MS = 5_000;

/** The operating system's resolver (getaddrinfo: /etc/hosts, then DNS), as the HTTP client would use it. */
export const systemResolver: Resolver = async (hostname) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`DNS lookup timed out after ${DNS_TIMEOUT_MS} ms`), { code: 'ETIMEOUT' })), DNS_TIMEOUT_MS);
  });
  try {
    const found = await Promise.race([lookup(hostname, { all: true, verbatim: true }), timeout]);
    return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  } finally {
    clearTimeout(timer);
  }
};

const fail = (problem: CallbackUrlProblem, reason: string, permanent = true): CallbackUrlCheck => ({ ok: false, problem, reason, permanent });

/** `[::1]` -> `::1`; a trailing root dot removed; lower case (URL already lower-cases and punycodes names). */
function normalizeHost(host: string): string {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return h.replace(/\.$/, '').toLowerCase();
}

const isIpLiteral = (host: string) => parseIpv4(host) !== undefined || parseIpv6(host) !== undefined;

/** An allow-list entry in the form the URL parser gives host names (punycode for IDNs), or undefined if unusable. */
function normalizeEntry(entry: string): string | undefined {
  const trimmed = entry.trim();
  const wildcard = trimmed.startsWith('*.');
  const bare = wildcard ? trimmed.slice(2) : trimmed;
  if (isIpLiteral(normalizeHost(bare))) return wildcard ? undefined : normalizeHost(bare);
  try {
    const host = new URL(`https://${bare}/`).hostname;
    return host ? `${wildcard ? '*.' : ''}${normalizeHost(host)}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `hostname` is on the allow-list: an exact entry (`hooks.example.org`, or an IP literal, compared as
 * an address), or a wildcard `*.example.org` matching exactly one more label (`a.example.org`, not
 * `example.org` and not `a.b.example.org`, as in TLS certificates). Wildcards never match IP literals.
 */
export function hostAllowed(hostname: string, allowedHosts: readonly string[]): boolean {
  const host = normalizeHost(hostname);
  const literal = isIpLiteral(host);
  for (const raw of allowedHosts) {
    const entry = normalizeEntry(raw);
    if (entry === undefined) continue;
    if (literal) {
      if (sameAddress(host, entry)) return true;
      continue;
    }
    if (entry.startsWith('*.')) {
      const suffix = entry.slice(1); // ".example.org"
      const label = host.slice(0, -suffix.length);
      if (host.endsWith(suffix) && label.length > 0 && !label.includes('.')) return true;
    } else if (host === entry) {
      return true;
    }
  }
  return false;
}

/**
 * Checks a callback URL against a tenant's webhook policy:
 * https only (unless `allowHttp`), no user:password@, no #fragment, host on the allow-list, and every
 * address the host resolves to public (unless `allowPrivateNetworks`; never unspecified, multicast,
 * reserved or a cloud metadata endpoint). A literal IP host is judged the same way, without DNS.
 */
export async function checkCallbackUrl(rawUrl: string, policy: WebhookPolicy, resolve: Resolver = systemResolver): Promise<CallbackUrlCheck> {
  if (typeof rawUrl !== 'string' || rawUrl.length === 0) return fail('invalid-url', 'the URL is empty');
  if (rawUrl.length > WEBHOOK_URL_MAX_LENGTH) return fail('invalid-url', `the URL is longer than ${WEBHOOK_URL_MAX_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return fail('invalid-url', 'not an absolute URL (expected https://host/path)');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    return fail('scheme-not-allowed', policy.allowHttp ? 'the URL must use https or http' : 'the URL must use https (plain http is not allowed for this tenant)');
  }
  if (url.username !== '' || url.password !== '') return fail('credentials-in-url', 'the URL must not contain credentials (user:password@); authenticate deliveries with LF-Signature');
  if (url.hash !== '' || rawUrl.includes('#')) return fail('fragment-in-url', 'the URL must not contain a #fragment');

  const hostname = normalizeHost(url.hostname);
  if (hostname === '') return fail('invalid-url', 'the URL has no host');
  if (policy.allowedHosts.length === 0) return fail('host-not-allowed', 'this tenant has no webhook hosts on its allow-list');
  if (!hostAllowed(hostname, policy.allowedHosts)) return fail('host-not-allowed', `host '${hostname}' is not on this tenant's webhook allow-list`);

  let addresses: ResolvedAddress[];
  const literal = isIpLiteral(hostname);
  if (literal) {
    addresses = [{ address: hostname, family: parseIpv4(hostname) ? 4 : 6 }];
  } else {
    try {
      addresses = await resolve(hostname);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return fail('unresolvable-host', `host '${hostname}' does not resolve${code ? ` (${code})` : ''}`, false);
    }
    if (addresses.length === 0) return fail('unresolvable-host', `host '${hostname}' does not resolve (no addresses)`, false);
  }

  for (const { address } of addresses) {
    let cls;
    try {
      cls = classifyAddress(address);
    } catch {
      return fail('unresolvable-host', `host '${hostname}' resolved to something that is not an IP address`, false);
    }
    if (cls.kind === 'forbidden') {
      return fail('forbidden-address', `host '${hostname}' ${literal ? 'is' : 'resolves to'} ${address}, a ${cls.label} address (${cls.range}), which is never allowed`, literal);
    }
    if (cls.kind === 'private' && !policy.allowPrivateNetworks) {
      return fail('private-address', `host '${hostname}' ${literal ? 'is' : 'resolves to'} ${address}, a ${cls.label} address (${cls.range}), and this tenant does not allow private networks`, literal);
    }
  }
  return { ok: true, url, hostname, addresses };
}
