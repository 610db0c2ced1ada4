import { MAX_BATCH_CASES } from '@lf/contracts';
import { fieldError, type FieldError } from '../http/problem';
import { parseIdempotencyKey } from './idempotency-key';

/**
 * `POST /v1/cases:batch` body: `{ "cases": [ { ...case body, "idempotencyKey"?: "..." }, ... ] }`, 1 to 100
 * cases. The envelope is checked here (a bad envelope fails the whole request); each item is then submitted
 * on its own, so one bad item never fails the others. An item's `idempotencyKey` works like the header on
 * `POST /v1/cases`; an `Idempotency-Key` header on the batch request gives every item without its own key
 * the key `<header>:<index>` (so retrying the same batch in the same order is idempotent item by item).
 */
export type BatchItem =
  | { index: number; ok: true; body: Record<string, unknown>; idempotencyKey?: string }
  | { index: number; ok: false; errors: FieldError[] };

export type BatchParse = { ok: true; items: BatchItem[] } | { ok: false; errors: FieldError[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseBatch(body: unknown, headerKey?: string): BatchParse {
  if (!isRecord(body)) return { ok: false, errors: [fieldError([], 'must be an object: {"cases": [ ... ]}')] };
  const cases = body['cases'];
  if (!Array.isArray(cases)) return { ok: false, errors: [fieldError(['cases'], 'must be an array of case bodies')] };
  if (cases.length === 0) return { ok: false, errors: [fieldError(['cases'], 'needs at least one case')] };
  if (cases.length > MAX_BATCH_CASES) return { ok: false, errors: [fieldError(['cases'], `at most ${MAX_BATCH_CASES} cases per batch (got ${cases.length})`)] };
  const items = cases.map((item, index): BatchItem => {
    if (!isRecord(item)) return { index, ok: false, errors: [fieldError([], 'must be a case object')] };
    const { idempotencyKey: own, ...rest } = item;
    if (own !== undefined) {
      const parsed = parseIdempotencyKey(own);
      if (!parsed.ok) return { index, ok: false, errors: [fieldError(['idempotencyKey'], parsed.message)] };
      return { index, ok: true, body: rest, idempotencyKey: parsed.key! };
    }
    return { index, ok: true, body: rest, ...(headerKey !== undefined ? { idempotencyKey: `${headerKey}:${index}` } : {}) };
  });
  return { ok: true, items };
}
