import { createHash } from 'node:crypto';
import { BINARY_INPUT_FIELDS } from '@lf/contracts';

/**
 * `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): the header value, bare or as a quoted
 * structured-field string, 1-255 visible ASCII characters (a UUID is typical). Keys are scoped per tenant
 * and stored only as their SHA-256.
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_KEY_RULE = '1-255 visible ASCII characters (e.g. a UUID), optionally in double quotes';

export type KeyParse = { ok: true; key: string | undefined } | { ok: false; message: string };

/** The key from a header value (undefined when absent), or why it is unusable. */
export function parseIdempotencyKey(value: unknown): KeyParse {
  if (value === undefined) return { ok: true, key: undefined };
  if (typeof value !== 'string') return { ok: false, message: `must be a string of ${IDEMPOTENCY_KEY_RULE}` };
  let key = value.trim();
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) key = key.slice(1, -1);
  if (!KEY_PATTERN.test(key) || key.includes('"')) return { ok: false, message: `must be ${IDEMPOTENCY_KEY_RULE}` };
  return { ok: true, key };
}

/**
 * JSON with object keys sorted at every level and no whitespace, so two bodies that differ only in key
 * order or formatting have the same text. Recursive: callers bound the depth first (planCase does).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/**
 * The hex SHA-256 that decides "same body" for an Idempotency-Key: the canonical JSON of the body with each
 * binary field (imaging `data`) replaced by the SHA-256 of its bytes. So a case sent as JSON with a base64
 * DICOM and the same case sent as multipart with the file as a part have the same digest, and key order,
 * whitespace and base64 line wrapping never make a retry look like a different request.
 */
export function requestDigest(body: unknown, binaries: Readonly<Record<string, Uint8Array>>): string {
  let subject = body;
  const modalities = Object.keys(binaries);
  if (modalities.length > 0 && typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    const inputs = { ...(record['inputs'] as Record<string, unknown>) };
    for (const m of modalities) {
      const field = BINARY_INPUT_FIELDS[m];
      const input = inputs[m];
      if (field === undefined || typeof input !== 'object' || input === null) continue;
      inputs[m] = { ...(input as Record<string, unknown>), [field]: { sha256: createHash('sha256').update(binaries[m]).digest('hex') } };
    }
    subject = { ...record, inputs };
  }
  return createHash('sha256').update(canonicalJson(subject), 'utf8').digest('hex');
}
