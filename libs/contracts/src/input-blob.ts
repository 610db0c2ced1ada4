/**
 * The claim-check blob the gateway stores per modality input (`lf:blob:{caseId}:<modality>`) and the
 * modality's worker reads back.
 *
 *   'LFB1' | header length (uint32 BE) | header: the input as UTF-8 JSON, without its binary field | binary bytes
 *
 * An input with a base64 field (the imaging slice's `data`) is stored with that field as raw bytes:
 * 25 % less Redis memory than base64, and the worker neither builds a 175 kB string nor parses and
 * re-validates it (the gateway already checked the base64 strictly). Every other input is stored with
 * an empty binary part. A blob that does not start with the magic is plain JSON, as gateways before
 * this format wrote it, so a rolling update never strands a queued job.
 */
export const INPUT_BLOB_MAGIC = 'LFB1';

/** Modality inputs whose named field is base64 in the API and raw bytes in the stored blob. */
export const BINARY_INPUT_FIELDS: Readonly<Record<string, string>> = Object.freeze({ imaging: 'data' });

const HEADER_OFFSET = 8;
/** The binary field's name travels in the header under this key, so the blob describes itself. */
const BINARY_FIELD_KEY = '$binaryField';

export class InputBlobError extends Error {
  constructor(reason: string) {
    super(`stored input is unreadable: ${reason}`);
    this.name = 'InputBlobError';
  }
}

/** `input` (an object) with `input[binaryField]` replaced by `binary`, or all of it as JSON when no binary field. */
export function encodeInputBlob(input: unknown, binary?: { field: string; bytes: Uint8Array }): Buffer {
  let headerValue: unknown = input;
  if (binary) {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('an input with a binary field must be an object');
    const rest: Record<string, unknown> = { ...(input as Record<string, unknown>), [BINARY_FIELD_KEY]: binary.field };
    delete rest[binary.field];
    headerValue = rest;
  }
  const header = Buffer.from(JSON.stringify(headerValue), 'utf8');
  const blob = Buffer.allocUnsafe(HEADER_OFFSET + header.length + (binary?.bytes.length ?? 0));
  blob.write(INPUT_BLOB_MAGIC, 0, 'latin1');
  blob.writeUInt32BE(header.length, 4);
  header.copy(blob, HEADER_OFFSET);
  if (binary) blob.set(binary.bytes, HEADER_OFFSET + header.length);
  return blob;
}

/** The stored input, its binary field (if any) as a Buffer view into `blob`. Throws InputBlobError. */
export function decodeInputBlob(blob: Buffer): unknown {
  if (blob.length < HEADER_OFFSET || blob.toString('latin1', 0, 4) !== INPUT_BLOB_MAGIC) return parseJson(blob);
  const headerEnd = HEADER_OFFSET + blob.readUInt32BE(4);
  if (headerEnd > blob.length) throw new InputBlobError(`header of ${headerEnd - HEADER_OFFSET} bytes runs past the blob's ${blob.length}`);
  const header = parseJson(blob.subarray(HEADER_OFFSET, headerEnd));
  if (typeof header !== 'object' || header === null || !(BINARY_FIELD_KEY in header)) {
    if (headerEnd !== blob.length) throw new InputBlobError('binary bytes without a binary field in the header');
    return header;
  }
  const { [BINARY_FIELD_KEY]: field, ...rest } = header as Record<string, unknown>;
  if (typeof field !== 'string') throw new InputBlobError('the binary field name is not a string');
  return { ...rest, [field]: blob.subarray(headerEnd) };
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    // Not the parser's message: it quotes the offending text, which is patient data.
    throw new InputBlobError('not valid JSON');
  }
}
