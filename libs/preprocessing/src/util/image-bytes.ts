import { PreprocessingError } from '../errors/preprocessing-error';
import { parseBase64Strict } from './parse-base64-strict';

/**
 * An image file's bytes: as given when the input arrives as raw bytes (a worker reading the gateway's
 * binary claim-check blob), else strictly decoded from base64 (the API form, training, tests).
 */
export function imageBytes(data: unknown, field: string): Buffer {
  if (data instanceof Uint8Array) {
    if (data.length === 0) throw new PreprocessingError('bad_encoding', field, 'must not be empty');
    return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
  }
  return parseBase64Strict(data, field);
}
