/**
 * Is `s` well-formed base64 (RFC 4648 section 4), as a decoder would accept it byte for byte?
 *
 * The contract's regex already restricts the alphabet; what it cannot see is truncation and broken
 * padding (`Buffer.from(s, 'base64')` silently drops the odd bits, so a cut-off upload would reach the
 * worker as a shorter image). This checks the length rule and that the bits discarded by the last
 * quantum are zero (RFC 4648 3.5, canonical encoding), without allocating the decoded bytes: after the
 * alphabet scan (skippable) it looks at the last four characters only.
 * Deep decoding (is it a DICOM/PNG, do the dimensions match) is the imaging worker's job.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export type Base64Problem = 'empty' | 'alphabet' | 'length' | 'padding';

export function base64Problem(s: string, options: { alphabetChecked?: boolean } = {}): Base64Problem | undefined {
  if (s.length === 0) return 'empty';
  let end = s.length;
  let pad = 0;
  while (end > 0 && s.charCodeAt(end - 1) === 61 /* = */ && pad < 3) {
    end--;
    pad++;
  }
  if (pad > 2) return 'padding';
  // The scan costs ~3 us per KB; callers that already matched the contract's base64 regex skip it.
  if (!options.alphabetChecked) {
    for (let i = 0; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128 || VALUE[c] < 0) return 'alphabet';
    }
  }
  if (pad > 0 && s.length % 4 !== 0) return 'padding';
  const tail = end % 4;
  if (tail === 1) return 'length';
  if (pad > 0 && pad !== (4 - tail) % 4) return 'padding';
  if (end === 0) return 'empty';
  // The last character's unused low bits must be zero: 4 bits with 2 chars in the quantum, 2 with 3.
  const last = VALUE[s.charCodeAt(end - 1)];
  if (tail === 2 && (last & 0x0f) !== 0) return 'padding';
  if (tail === 3 && (last & 0x03) !== 0) return 'padding';
  return undefined;
}

export const BASE64_PROBLEM_MESSAGES: Record<Base64Problem, string> = {
  empty: 'must not be empty',
  alphabet: 'must be base64 (RFC 4648, no line breaks)',
  length: 'is not valid base64: truncated (length is 1 more than a multiple of 4)',
  padding: 'is not valid base64: wrong padding or trailing bits',
};
