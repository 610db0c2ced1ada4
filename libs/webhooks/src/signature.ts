import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The LF-Signature scheme (documented for receivers in libs/webhooks/README.md):
 *
 *   LF-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=<...>]
 *
 * The timestamp is inside the MAC, so a captured delivery cannot be replayed outside the tolerance window
 * with a fresh `t`. Several `v1` values appear while a secret is being rotated (one per valid secret); a
 * receiver accepts the delivery if any of them matches a secret it knows. Unknown schemes (`v0=`, `v2=`)
 * are ignored, so a future scheme can be added alongside v1 without breaking receivers.
 */
export const SIGNATURE_HEADER = 'LF-Signature';
export const WEBHOOK_ID_HEADER = 'LF-Webhook-Id';
export const EVENT_ID_HEADER = 'LF-Event-Id';
export const EVENT_TYPE_HEADER = 'LF-Event-Type';

/** How far a delivery's `t` may be from the receiver's clock. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, timestamp: number, rawBody: string | Buffer): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();

/**
 * The LF-Signature header value for `rawBody` (the exact bytes sent), signed with each secret in order
 * (the current secret first, then one being rotated out).
 */
export function signPayload(secrets: string | readonly string[], rawBody: string | Buffer, timestampSeconds = Math.floor(Date.now() / 1000)): string {
  const list = typeof secrets === 'string' ? [secrets] : [...secrets];
  if (list.length === 0 || list.some((s) => typeof s !== 'string' || s.length === 0)) throw new Error('signPayload: needs at least one non-empty secret');
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) throw new Error('signPayload: timestamp must be a non-negative integer (unix seconds)');
  return [`t=${timestampSeconds}`, ...list.map((s) => `v1=${hmac(s, timestampSeconds, rawBody).toString('hex')}`)].join(',');
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'missing-header' | 'malformed-header' | 'timestamp-outside-tolerance' | 'no-matching-signature' };

export interface VerifyOptions {
  /** Default 300. */
  toleranceSeconds?: number;
  /** Receiver clock, epoch ms (tests). Default Date.now(). */
  now?: number;
}

/** Parses `t=...,v1=...,v1=...`; undefined unless there is exactly one integer `t` and at least one `v1`. */
export function parseSignatureHeader(header: string): { timestamp: number; v1: string[] } | undefined {
  let timestamp: number | undefined;
  let timestamps = 0;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      timestamps += 1;
      if (/^\d{1,15}$/.test(value)) timestamp = Number(value);
    } else if (key === 'v1') {
      v1.push(value);
    }
  }
  if (timestamps !== 1 || timestamp === undefined || v1.length === 0) return undefined;
  return { timestamp, v1 };
}

/**
 * Verifies a delivery: a `v1` signature matches one of `secrets` over `"<t>.<rawBody>"` (constant-time
 * comparison), and `t` is within `toleranceSeconds` of now. `rawBody` must be the bytes as received, before
 * any JSON parsing (re-serialising changes them).
 */
export function verifySignature(
  secrets: string | readonly string[],
  header: string | undefined | null,
  rawBody: string | Buffer,
  options: VerifyOptions = {},
): SignatureCheck {
  if (typeof header !== 'string' || header.trim() === '') return { ok: false, reason: 'missing-header' };
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { ok: false, reason: 'malformed-header' };
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = (options.now ?? Date.now()) / 1000;
  if (Math.abs(nowSeconds - parsed.timestamp) > tolerance) return { ok: false, reason: 'timestamp-outside-tolerance' };
  const given = parsed.v1.filter((s) => /^[0-9a-f]{64}$/i.test(s)).map((s) => Buffer.from(s, 'hex'));
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  let matched = false;
  for (const secret of list) {
    if (typeof secret !== 'string' || secret.length === 0) continue;
    const expected = hmac(secret, parsed.timestamp, rawBody);
    // No early exit: the work done does not depend on which (if any) signature matched.
    for (const candidate of given) if (timingSafeEqual(candidate, expected)) matched = true;
  }
  return matched ? { ok: true, timestamp: parsed.timestamp } : { ok: false, reason: 'no-matching-signature' };
}
