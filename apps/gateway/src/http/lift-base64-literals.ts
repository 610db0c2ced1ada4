/**
 * Takes the long base64 string literals (a case's image) out of a JSON body before it is parsed, decoded
 * straight from the body's bytes, and leaves a short token in their place.
 *
 * Why: a case body is ~170 kB, almost all of it one base64 string. Parsing it whole makes two strings over
 * 128 kB (the body text, then the parsed `data` value), and V8 puts each in its large-object space: a fresh
 * mmap, ~40 page faults and a munmap per string, ~0.7 ms each on this project's VM, which made JSON.parse
 * the gateway's largest cost. Lifted, the text parsed is ~2 kB and the image is never a string at all.
 *
 * Only literals that are canonical base64 (`decodeStrictBase64Bytes`) are lifted. Base64 has no quote,
 * backslash or control character, and neither has a token, so swapping one for the other changes no token
 * boundary: the lifted text is valid JSON exactly when the body is, with the same structure. A token is
 * used only when the body does not contain its prefix anywhere, so it cannot collide with client data.
 */
import { decodeStrictBase64Bytes } from '@lf/contracts';

/** Shorter literals are parsed as usual: only images are worth the detour. */
export const LIFT_MIN_CHARS = 16 * 1024;
const TOKEN_PREFIX = '!lf-lifted-base64:';
const TOKEN_PREFIX_BYTES = Buffer.from(TOKEN_PREFIX, 'latin1');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export interface LiftedBody {
  /** The body as text, each lifted literal's content replaced by its token. */
  text: string;
  /** token -> the bytes its base64 literal decodes to. */
  decoded: Map<string, Buffer>;
}

/** The body with its long base64 literals lifted, or undefined when there is none (or it cannot be done safely). */
export function liftBase64Literals(body: Buffer): LiftedBody | undefined {
  if (body.length < LIFT_MIN_CHARS || body.indexOf(TOKEN_PREFIX_BYTES) !== -1) return undefined;
  const parts: string[] = [];
  const decoded = new Map<string, Buffer>();
  let copiedUpTo = 0;
  let at = body.indexOf(QUOTE);
  while (at !== -1) {
    const open = at;
    let close = body.indexOf(QUOTE, open + 1);
    while (close !== -1 && isEscaped(body, close)) close = body.indexOf(QUOTE, close + 1);
    if (close === -1) return undefined; // unterminated: JSON.parse will say so
    if (close - open - 1 >= LIFT_MIN_CHARS) {
      const bytes = decodeStrictBase64Bytes(body.subarray(open + 1, close));
      if (bytes) {
        const token = `${TOKEN_PREFIX}${decoded.size}!`;
        decoded.set(token, bytes);
        parts.push(body.toString('utf8', copiedUpTo, open + 1), token);
        copiedUpTo = close;
      }
    }
    at = body.indexOf(QUOTE, close + 1);
  }
  if (decoded.size === 0) return undefined;
  parts.push(body.toString('utf8', copiedUpTo));
  return { text: parts.join(''), decoded };
}

/** Is the quote at `index` escaped (preceded by an odd number of backslashes)? */
function isEscaped(body: Buffer, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && body[i] === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 1;
}
