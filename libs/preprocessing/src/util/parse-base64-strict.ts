import { decodeStrictBase64 } from '@lf/contracts';
import { PreprocessingError } from '../errors/preprocessing-error';

/**
 * Decodes base64 without Node's silent leniency: `Buffer.from(s, 'base64')` skips invalid characters
 * and whitespace, so a corrupted upload would decode to shorter garbage and surface later as a
 * confusing "truncated" error. Here it fails at the source, naming the field.
 */
export function parseBase64Strict(text: unknown, field: string): Buffer {
  if (typeof text !== 'string') throw new PreprocessingError('bad_encoding', field, 'must be a base64 string');
  if (text.length === 0) throw new PreprocessingError('bad_encoding', field, 'must not be empty');
  // Count padding by hand: a /=+$/ replace would scan and copy a possibly 40 MB string.
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--;
  const padded = end !== text.length;
  // One leftover character carries only 6 bits: no byte can end there, so the text was cut.
  if (end % 4 === 1 || (padded && text.length % 4 !== 0)) {
    throw new PreprocessingError('bad_encoding', field, 'has an impossible base64 length (truncated or mis-padded)');
  }
  const bytes = decodeStrictBase64(text);
  if (!bytes) {
    throw new PreprocessingError(
      'bad_encoding',
      field,
      'is not base64 (RFC 4648 standard alphabet, no whitespace or line breaks)',
    );
  }
  return bytes;
}
