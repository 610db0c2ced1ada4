import { isIP } from 'node:net';

/**
 * Which networks a callback may reach. Parsed to bytes (not matched as strings), so every spelling of one
 * address (`::ffff:127.0.0.1`, `::ffff:7f00:1`, `0:0:0:0:0:ffff:7f00:0001`) lands in the same class, and
 * IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that IPv4 address.
 *
 * - `public`: deliverable.
 * - `private`: loopback, RFC 1918, link-local, CGNAT, unique-local...: deliverable only when the tenant's
 *   policy says `allowPrivateNetworks` (a receiver inside the hospital network, or tests on 127.0.0.1).
 * - `forbidden`: never deliverable: unspecified, multicast, reserved/broadcast, and the cloud metadata
 *   endpoints (the classic SSRF target), whatever the policy.
 */
export type AddressClass = { kind: 'public' } | { kind: 'private' | 'forbidden'; range: string; label: string };

interface Range {
  bytes: number[];
  prefix: number;
  range: string;
  label: string;
  kind: 'private' | 'forbidden';
}

const v4 = (cidr: string, label: string, kind: Range['kind']): Range => {
  const [ip, prefix] = cidr.split('/');
  return { bytes: ip.split('.').map(Number), prefix: Number(prefix), range: cidr, label, kind };
};
const v6 = (cidr: string, label: string, kind: Range['kind']): Range => {
  const [ip, prefix] = cidr.split('/');
  return { bytes: [...(parseIpv6(ip) ?? [])], prefix: Number(prefix), range: cidr, label, kind };
};

// Most specific first: the first match names the range in error messages.
const IPV4_RANGES: Range[] = [
  v4('169.254.169.254/32', 'cloud metadata endpoint', 'forbidden'),
  v4('0.0.0.0/8', '"this network" (unspecified)', 'forbidden'),
  v4('224.0.0.0/4', 'multicast', 'forbidden'),
  v4('240.0.0.0/4', 'reserved / broadcast', 'forbidden'),
  v4('127.0.0.0/8', 'loopback', 'private'),
  v4('10.0.0.0/8', 'private network', 'private'),
  v4('172.16.0.0/12', 'private network', 'private'),
  v4('192.168.0.0/16', 'private network', 'private'),
  v4('169.254.0.0/16', 'link-local', 'private'),
  v4('100.64.0.0/10', 'carrier-grade NAT (shared address space)', 'private'),
  v4('192.0.0.0/24', 'IETF protocol assignments', 'private'),
  v4('198.18.0.0/15', 'benchmarking network', 'private'),
];

const IPV6_RANGES: Range[] = [
  v6('::/128', 'unspecified', 'forbidden'),
  v6('fd00:ec2::254/128', 'cloud metadata endpoint', 'forbidden'),
  v6('ff00::/8', 'multicast', 'forbidden'),
  v6('::1/128', 'loopback', 'private'),
  v6('fc00::/7', 'unique local', 'private'),
  v6('fe80::/10', 'link-local', 'private'),
  v6('fec0::/10', 'site-local (deprecated)', 'private'),
];

/** 4 bytes for dotted-quad IPv4 (no shorthand forms such as `127.1`), else undefined. */
export function parseIpv4(text: string): number[] | undefined {
  if (isIP(text) !== 4) return undefined;
  return text.split('.').map(Number);
}

/** 16 bytes for any IPv6 text form (`::`, embedded dotted quad, zone id ignored), else undefined. */
export function parseIpv6(text: string): Uint8Array | undefined {
  const zoneless = text.replace(/%.*$/, '');
  if (isIP(zoneless) !== 6) return undefined;
  let head = zoneless;
  const tailV4: number[] = [];
  const lastColon = head.lastIndexOf(':');
  const maybeV4 = head.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const quad = parseIpv4(maybeV4);
    if (!quad) return undefined;
    tailV4.push(...quad);
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const l = groups(left);
  const r = groups(right);
  const fill = right === undefined ? [] : Array<number>(8 - l.length - r.length).fill(0);
  const all = [...l, ...fill, ...r];
  if (all.length !== 8 || all.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return undefined;
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  if (tailV4.length === 4) bytes.set(tailV4, 12);
  return bytes;
}

const inRange = (bytes: ArrayLike<number>, range: Range): boolean => {
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (range.bytes[i] & mask)) return false;
  }
  return true;
};

function classifyV4(bytes: number[]): AddressClass {
  const hit = IPV4_RANGES.find((r) => inRange(bytes, r));
  return hit ? { kind: hit.kind, range: hit.range, label: hit.label } : { kind: 'public' };
}

/** The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), if any. */
function embeddedV4(b: Uint8Array): number[] | undefined {
  const zeros = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (IPv4-mapped)
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return [...b.subarray(12, 16)];
  // ::a.b.c.d (IPv4-compatible, deprecated), but not :: and ::1
  if (zeros(0, 12) && !(zeros(12, 15) && b[15] <= 1)) return [...b.subarray(12, 16)];
  // 64:ff9b::a.b.c.d (NAT64 well-known prefix)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return [...b.subarray(12, 16)];
  // 2002:aabb:ccdd::/48 (6to4)
  if (b[0] === 0x20 && b[1] === 0x02) return [...b.subarray(2, 6)];
  return undefined;
}

/** Classifies an IP address in text form; throws for text that is not an IP address. */
export function classifyAddress(address: string): AddressClass {
  const quad = parseIpv4(address);
  if (quad) return classifyV4(quad);
  const bytes = parseIpv6(address);
  if (!bytes) throw new Error(`not an IP address: '${address}'`);
  const inner = embeddedV4(bytes);
  if (inner) {
    const c = classifyV4(inner);
    return c.kind === 'public' ? c : { ...c, label: `${c.label} (embedded in IPv6)` };
  }
  const hit = IPV6_RANGES.find((r) => inRange(bytes, r));
  return hit ? { kind: hit.kind, range: hit.range, label: hit.label } : { kind: 'public' };
}

/** Two spellings of the same address compare equal (`::1` and `0:0::1`); non-addresses never do. */
export function sameAddress(a: string, b: string): boolean {
  const qa = parseIpv4(a);
  const qb = parseIpv4(b);
  if (qa || qb) return !!qa && !!qb && qa.every((x, i) => x === qb[i]);
  const ba = parseIpv6(a);
  const bb = parseIpv6(b);
  return !!ba && !!bb && ba.every((x, i) => x === bb[i]);
}
