import type { z } from 'zod';
import { PreprocessingError } from '@lf/preprocessing';

/**
 * Validates a stored modality input against its contracts schema (the gateway validated it already; the worker
 * re-checks because blobs are plain Redis strings). A schema failure becomes a PreprocessingError naming the
 * field as a path into the case request (`inputs.imaging.format`), like every other invalid-input reason.
 * Zod messages describe types and ranges, not values, so they are safe for score records.
 */
export function parseModalityInput<S extends z.ZodType>(schema: S, input: unknown, fieldPrefix: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [fieldPrefix, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('').replace(/^\./, '');
  throw new PreprocessingError('invalid_value', field, issue.message);
}
