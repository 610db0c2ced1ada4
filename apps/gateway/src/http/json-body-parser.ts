/**
 * The gateway's JSON body parser (application/json and application/fhir+json): Fastify's default rules
 * (empty body and invalid JSON are 400s, a BOM is dropped, `__proto__` keys and `constructor.prototype`
 * are refused as prototype poisoning) at a fraction of the cost for the bodies this API gets: a case is
 * ~180 kB, almost all of it one base64 string.
 *
 * The default reads the body as UTF-8 text chunk by chunk (decode, byte-count and concatenate each chunk),
 * then scans the whole text twice with poisoning regexes before and after JSON.parse: a fifth of the
 * gateway's CPU per case. Here the body is read as bytes, decoded once, parsed, and the parsed value is
 * walked for the forbidden keys: a few hundred nodes rather than 180 000 characters (~470 -> ~390 us for
 * a 141 kB case body).
 */
import { BINARY_INPUT_FIELDS } from '@lf/contracts';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { liftBase64Literals } from './lift-base64-literals';

const { FST_ERR_CTP_EMPTY_JSON_BODY, FST_ERR_CTP_INVALID_JSON_BODY } = errorCodes;

/** The binary fields lifted out of each request's body (see `liftBinaryFieldsOn`), until the handler takes them. */
const liftedBinaries = new WeakMap<FastifyRequest, Record<string, Buffer>>();

export interface JsonBodyParserOptions {
  /**
   * Requests whose body is a case (`POST /v1/cases`): its binary fields (BINARY_INPUT_FIELDS, the image's
   * `data`) are decoded straight from the body's bytes and handed over apart from the parsed body
   * (`takeLiftedBinaries`), as a multipart upload's file is.
   */
  liftBinaryFieldsOn?: (request: FastifyRequest) => boolean;
}

export function installJsonBodyParser(fastify: FastifyInstance, contentTypes: readonly string[], options: JsonBodyParserOptions = {}): void {
  for (const type of contentTypes) fastify.removeContentTypeParser(type);
  fastify.addContentTypeParser([...contentTypes], { parseAs: 'buffer' }, (request, body, done) => {
    const parsed = parseJsonBody(body as Buffer, { liftBinaryFields: options.liftBinaryFieldsOn?.(request) ?? false });
    if (parsed.ok) {
      if (parsed.binaries) liftedBinaries.set(request, parsed.binaries);
      done(null, parsed.value);
    } else done(parsed.empty ? new FST_ERR_CTP_EMPTY_JSON_BODY() : new FST_ERR_CTP_INVALID_JSON_BODY(), undefined);
  });
}

/** modality -> bytes of the binary fields the parser lifted out of this request's body (then forgotten), if any. */
export function takeLiftedBinaries(request: FastifyRequest): Record<string, Buffer> | undefined {
  const binaries = liftedBinaries.get(request);
  liftedBinaries.delete(request);
  return binaries;
}

export type JsonBodyParse =
  /** `binaries`: with `liftBinaryFields`, the binary fields taken out of `value` (modality -> decoded bytes). */
  | { ok: true; value: unknown; binaries?: Record<string, Buffer> }
  | { ok: false; empty: boolean };

/**
 * Parses a JSON body under Fastify's default rules (see the file comment). Pure; exported for tests.
 * With `liftBinaryFields`, a case body's canonical-base64 binary fields come back decoded in `binaries` and
 * absent from `value`; any body where that does not apply cleanly is parsed as usual, so the answer (and
 * every error) is the same as without it.
 */
export function parseJsonBody(body: Buffer, options: { liftBinaryFields?: boolean } = {}): JsonBodyParse {
  if (body.length === 0) return { ok: false, empty: true };
  if (options.liftBinaryFields) {
    const lifted = liftBase64Literals(body);
    const parsed = lifted && parseText(lifted.text);
    if (lifted && parsed?.ok) {
      const binaries = claimBinaryFields(parsed.value, lifted.decoded);
      if (binaries) return { ok: true, value: parsed.value, binaries };
    }
  }
  return parseText(body.toString('utf8'));
}

function parseText(text: string): JsonBodyParse {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, empty: false };
  }
  return isPoisoned(value) ? { ok: false, empty: false } : { ok: true, value };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (record: Record<string, unknown>, key: string): unknown => (Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined);

/**
 * Moves every lifted token that sits in a binary field (`inputs.<modality>.<field>`) out of the parsed body,
 * returning modality -> bytes; undefined (change nothing) when a token sits anywhere else.
 */
function claimBinaryFields(value: unknown, decoded: ReadonlyMap<string, Buffer>): Record<string, Buffer> | undefined {
  const inputs = isRecord(value) ? own(value, 'inputs') : undefined;
  if (!isRecord(inputs)) return undefined;
  const claims: Array<{ input: Record<string, unknown>; field: string; modality: string; bytes: Buffer }> = [];
  for (const [modality, field] of Object.entries(BINARY_INPUT_FIELDS)) {
    const input = own(inputs, modality);
    const token = isRecord(input) ? own(input, field) : undefined;
    const bytes = typeof token === 'string' ? decoded.get(token) : undefined;
    if (isRecord(input) && bytes) claims.push({ input, field, modality, bytes });
  }
  if (claims.length !== decoded.size) return undefined;
  const binaries: Record<string, Buffer> = {};
  for (const { input, field, modality, bytes } of claims) {
    delete input[field];
    binaries[modality] = bytes;
  }
  return binaries;
}

/** Does any object in the parsed tree own a `__proto__` key, or a `constructor` object owning `prototype`? */
function isPoisoned(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) if (typeof node[i] === 'object' && node[i] !== null) pending.push(node[i]);
      continue;
    }
    // JSON.parse defines `__proto__` as an own data property (it never sets the prototype), so it is seen here.
    if (Object.prototype.hasOwnProperty.call(node, '__proto__')) return true;
    const record = node as Record<string, unknown>;
    for (const key in record) {
      const child = record[key];
      if (typeof child !== 'object' || child === null) continue;
      if (key === 'constructor' && Object.prototype.hasOwnProperty.call(child, 'prototype')) return true;
      pending.push(child);
    }
  }
  return false;
}
