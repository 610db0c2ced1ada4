/**
 * Canonical RFC 4648 base64 (standard alphabet, padding optional), decoded once.
 *
 * Node's decoder is lenient: it skips characters outside the alphabet (whitespace, '%', a stray '='),
 * accepts the URL-safe '-' and '_', and ignores non-zero trailing bits. So a text is canonical exactly when
 * it has no '-' or '_', its padding is consistent, it decodes to the byte count its length implies (any
 * skipped character makes it shorter) and its last character carries no stray bits. Those checks are a
 * native decode plus two memchr-like scans; re-encoding and comparing a 175 kB image cost as much again.
 */
let memo: { text: string; bytes: Buffer | undefined } | undefined;
/** Set only while `withDecodedBase64` runs its callback: stand-in texts and the bytes each stands for. */
let standIns: ReadonlyMap<string, Buffer> | undefined;

/**
 * The bytes of canonical base64 `text`, or undefined when it is not canonical. The gateway validates an
 * image's `data`, checks its payload and stores its bytes: the last text is remembered, so the three
 * steps decode it once (zod parses synchronously, nothing interleaves). The bytes are shared with the next
 * caller that passes the same text: read them, never write to them.
 */
export function decodeStrictBase64(text: string): Buffer | undefined {
  const standIn = standIns?.get(text);
  if (standIn) return standIn;
  if (memo?.text === text) return memo.bytes;
  const bytes = decode(text);
  memo = { text, bytes };
  return bytes;
}

export function isStrictBase64(text: string): boolean {
  return decodeStrictBase64(text) !== undefined;
}

/**
 * Runs `fn` (synchronously) with each key of `tokens` standing for canonical base64 that decodes to its
 * value: inside it, `decodeStrictBase64(token)` answers those bytes. The gateway validates an image that
 * reached it as bytes (a multipart file, or base64 lifted out of the JSON body) with the very schema that
 * checks base64 text, so both routes give the same answers, without re-encoding a 175 kB slice. A token
 * must not be base64 itself.
 */
export function withDecodedBase64<T>(tokens: ReadonlyMap<string, Buffer>, fn: () => T): T {
  const outer = standIns;
  standIns = tokens;
  try {
    return fn();
  } finally {
    standIns = outer;
  }
}

/** Characters decoded per step by `decodeStrictBase64Bytes`: a multiple of 4, and a string well under 128 kB. */
const BYTES_CHUNK_CHARS = 64 * 1024;

/**
 * `decodeStrictBase64` for base64 held as bytes (ASCII, e.g. a slice of a request body), under the same
 * rules, without ever making one string of it all: V8 puts every string over 128 kB in its large-object
 * space, where each allocation is a fresh mmap and page faults, which cost ~0.7 ms for a 175 kB slice on
 * this project's VM. The bytes are decoded in 64 kB steps straight into the result.
 */
export function decodeStrictBase64Bytes(ascii: Uint8Array): Buffer | undefined {
  const source = Buffer.from(ascii.buffer, ascii.byteOffset, ascii.byteLength);
  const shape = canonicalShape(source.length, (i) => source[i]);
  if (!shape || source.indexOf(0x2d) !== -1 || source.indexOf(0x5f) !== -1) return undefined; // '-', '_'
  const { end, expected } = shape;
  const bytes = Buffer.allocUnsafe(expected);
  let written = 0;
  for (let start = 0; start < end; start += BYTES_CHUNK_CHARS) {
    const stop = Math.min(end, start + BYTES_CHUNK_CHARS);
    const want = stop === end ? expected - written : ((stop - start) >> 2) * 3;
    // A character the lenient decoder skips (or a '=' it stops at) makes the step decode short.
    if (bytes.write(source.toString('latin1', start, stop), written, want, 'base64') !== want) return undefined;
    written += want;
  }
  return bytes;
}

function decode(text: string): Buffer | undefined {
  const shape = canonicalShape(text.length, (i) => text.charCodeAt(i));
  if (!shape || text.indexOf('-') !== -1 || text.indexOf('_') !== -1) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === shape.expected ? bytes : undefined;
}

/**
 * What canonical base64 of `length` characters must look like, from its padding and last data character
 * alone (`codeAt` reads one character code): where the data ends and how many bytes it decodes to, or
 * undefined when padding or trailing bits already rule it out. Callers still check the alphabet.
 */
function canonicalShape(length: number, codeAt: (i: number) => number): { end: number; expected: number } | undefined {
  if (length === 0) return undefined;
  let end = length;
  while (end > 0 && codeAt(end - 1) === 0x3d) end--;
  if (length - end > 2 || (end !== length && length % 4 !== 0)) return undefined;
  const tail = end % 4;
  if (tail === 1) return undefined;
  // The last character of a 2- or 3-character tail holds 4 or 2 bits that encode nothing: they must be 0.
  if (tail !== 0 && (sextet(codeAt(end - 1)) & (tail === 2 ? 0x0f : 0x03)) !== 0) return undefined;
  return { end, expected: (end >> 2) * 3 + (tail === 0 ? 0 : tail - 1) };
}

function sextet(code: number): number {
  if (code >= 0x41 && code <= 0x5a) return code - 0x41; // A-Z
  if (code >= 0x61 && code <= 0x7a) return code - 0x61 + 26; // a-z
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 52; // 0-9
  return code === 0x2b ? 62 : 63; // '+', '/' (anything else fails the caller's decoded-length check anyway)
}
