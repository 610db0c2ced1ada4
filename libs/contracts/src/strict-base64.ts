/**
 * Is `text` canonical RFC 4648 base64 (standard alphabet, padding optional)? Decoding natively and
 * comparing the re-encoding catches every character Node's lenient decoder would silently skip
 * (whitespace, '-', '_', '%', a stray '=') and every cut-off tail, at native speed: a regex over a
 * 175 kB image was 10 % of the gateway's CPU per request.
 */
export function isStrictBase64(text: string): boolean {
  if (text.length === 0) return false;
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--;
  if (text.length - end > 2 || (end !== text.length && text.length % 4 !== 0)) return false;
  const encoded = Buffer.from(text, 'base64').toString('base64');
  // Node always pads its encoding. Whole-string equality of two flat strings is a memcmp; startsWith
  // compared char by char and cost as much as the decode itself.
  if (encoded.length === text.length) return encoded === text;
  let encodedEnd = encoded.length;
  while (encodedEnd > 0 && encoded.charCodeAt(encodedEnd - 1) === 0x3d) encodedEnd--;
  return encodedEnd === end && end === text.length && encoded.slice(0, end) === text;
}
