import { z } from 'zod';
import { LOG_LEVELS } from '../logger/log-level';

/**
 * Building blocks for env schemas. An empty variable (`FOO=` in a .env file) counts as unset, so it gets the
 * default instead of becoming 0 or ''.
 */
const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

export interface IntFieldOptions {
  min?: number;
  max?: number;
  default?: number;
}

function int(options: IntFieldOptions) {
  let schema = z.coerce.number({ error: 'must be an integer' }).int('must be an integer');
  if (options.min !== undefined) schema = schema.min(options.min, `must be >= ${options.min}`);
  if (options.max !== undefined) schema = schema.max(options.max, `must be <= ${options.max}`);
  return schema;
}

export const envFields = {
  /** A required string. */
  string: () => z.preprocess(blankToUndefined, z.string()),
  optionalString: () => z.preprocess(blankToUndefined, z.string().optional()),
  /** An integer with a default (required if no default is given). */
  int: (options: IntFieldOptions = {}) =>
    options.default === undefined
      ? z.preprocess(blankToUndefined, int(options))
      : z.preprocess(blankToUndefined, int(options).default(options.default)),
  optionalInt: (options: Omit<IntFieldOptions, 'default'> = {}) => z.preprocess(blankToUndefined, int(options).optional()),
  port: (defaultPort?: number) =>
    defaultPort === undefined
      ? z.preprocess(blankToUndefined, int({ min: 0, max: 65535 }))
      : z.preprocess(blankToUndefined, int({ min: 0, max: 65535 }).default(defaultPort)),
  /** true|false|1|0|yes|no, case-insensitive. */
  bool: (defaultValue: boolean) =>
    z.preprocess(
      (value) => {
        const v = blankToUndefined(value);
        if (typeof v !== 'string') return v;
        const s = v.toLowerCase();
        if (['true', '1', 'yes', 'on'].includes(s)) return true;
        if (['false', '0', 'no', 'off'].includes(s)) return false;
        return v;
      },
      z.boolean({ error: 'must be true or false' }).default(defaultValue),
    ),
  logLevel: () => z.preprocess(blankToUndefined, z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join('|')}` }).default('info')),
  enum: <const T extends readonly [string, ...string[]]>(values: T) =>
    z.preprocess(blankToUndefined, z.enum(values, { error: `must be one of ${values.join('|')}` }).optional()),
};
