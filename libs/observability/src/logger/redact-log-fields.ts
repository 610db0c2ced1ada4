/**
 * PHI guard for log lines (DESIGN.md 3: logs never contain input values or patient identifiers).
 * Two rules, both structural so they hold whatever a caller passes:
 * 1. keys on the deny-list are replaced by REDACTED, whatever their value;
 * 2. only scalars (and short arrays of scalars) are written. Objects are never serialized wholesale, because
 *    an object handed to a logger is how a whole case request ends up in a log aggregator.
 * Errors are reduced to name, message and code: callers must not put input values in messages
 * (PreprocessingError reasons name a value only when it is the explanation, never identifiers).
 */
export const REDACTED = '[redacted]';
export const OMITTED_OBJECT = '[object omitted]';
export const OMITTED_ARRAY = '[array omitted]';

/** Compared after lower-casing and dropping '_' and '-', so `patient_ref` and `PatientRef` match too. */
export const DENIED_LOG_KEYS: readonly string[] = [
  'patientref',
  'patient',
  'patientid',
  'mrn',
  'data',
  'samples',
  'inputs',
  'input',
  'labs',
  'blob',
  'payload',
  'body',
  'tensor',
  'pixels',
  'features',
  'series',
  'request',
  'authorization',
  'apikey',
  'password',
  'secret',
  'token',
];

const MAX_STRING = 1000;
const MAX_ARRAY = 50;

export type LogScalar = string | number | boolean | null;
export type SafeLogValue = LogScalar | LogScalar[];

const normalizeKey = (key: string) => key.toLowerCase().replace(/[_-]/g, '');
const DENIED = new Set(DENIED_LOG_KEYS);

export function isDeniedLogKey(key: string): boolean {
  return DENIED.has(normalizeKey(key));
}

function scalar(value: unknown): LogScalar | undefined {
  switch (typeof value) {
    case 'string':
      return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}...[truncated]` : value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    default:
      return value === null ? null : undefined;
  }
}

/** Writes `key` (and for errors `keyName`/`keyCode`) into `out`; nothing for undefined or functions. */
function put(out: Record<string, SafeLogValue>, key: string, value: unknown): void {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return;
  if (isDeniedLogKey(key)) {
    out[key] = REDACTED;
    return;
  }
  if (value instanceof Error) {
    out[key] = scalar(value.message) ?? '';
    out[`${key}Name`] = value.name;
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') out[`${key}Code`] = code;
    return;
  }
  if (Array.isArray(value)) {
    const items = value.map(scalar);
    out[key] = value.length <= MAX_ARRAY && items.every((v) => v !== undefined) ? (items as LogScalar[]) : OMITTED_ARRAY;
    return;
  }
  if (value !== null && typeof value === 'object') {
    out[key] = OMITTED_OBJECT;
    return;
  }
  const s = scalar(value);
  if (s !== undefined) out[key] = s;
}

/** The fields of one log event, made safe to write: see the file comment for the rules. */
export function redactLogFields(fields: Readonly<Record<string, unknown>>): Record<string, SafeLogValue> {
  const out: Record<string, SafeLogValue> = {};
  for (const [key, value] of Object.entries(fields)) put(out, key, value);
  return out;
}
