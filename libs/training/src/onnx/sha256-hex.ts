import { createHash } from 'node:crypto';

/** Hex SHA-256 of model bytes, the value the model manifest records and the worker checks at load. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
