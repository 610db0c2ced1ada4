import { vitalSampleSchema } from '@lf/contracts';
import { field, isObject, pathOf, type JsonObject } from './bundle-context';

/** FHIR `date`: YYYY, YYYY-MM or YYYY-MM-DD. */
const FHIR_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
/** FHIR `dateTime` / `instant` (a date, or a date-time with seconds and a zone). */
const FHIR_DATE_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(?:\.\d+)?(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00)))?)?)?$/;

export interface FhirDate {
  year: number;
  /** 1-12, absent for a year-only date. */
  month?: number;
  day?: number;
}

/** Parses a FHIR date (or the date part of a dateTime as written, i.e. the local calendar date). */
export function parseFhirDate(text: string): FhirDate | undefined {
  const match = FHIR_DATE.exec(text.length > 10 && text[10] === 'T' ? text.slice(0, 10) : text);
  if (!match) return undefined;
  const year = Number(match[1]);
  if (match[2] === undefined) return { year };
  const month = Number(match[2]);
  if (month < 1 || month > 12) return undefined;
  if (match[3] === undefined) return { year, month };
  const day = Number(match[3]);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return undefined;
  return { year, month, day };
}

export const isFhirDateTime = (text: string): boolean => FHIR_DATE_TIME.test(text) && parseFhirDate(text) !== undefined;

/** A date-time with a time of day and an offset, as the contract's vital sample `t` requires. */
export const isOffsetDateTime = (text: string): boolean =>
  isFhirDateTime(text) && text.length > 10 && vitalSampleSchema.shape.t.safeParse(text).success;

export interface EffectiveTime {
  /** The time as written (kept as is for vital samples). */
  text: string;
  /** Epoch milliseconds (a date alone counts as its UTC midnight), for ordering only. */
  ms: number;
  path: string;
  /** True when it has a time of day and a zone offset. */
  hasTime: boolean;
}

/**
 * Observation.effective[x]: effectiveDateTime, effectiveInstant or effectivePeriod.start. Returns
 * undefined when absent, or an error message (with the path) when present but unusable.
 */
export function readEffectiveTime(resource: JsonObject, resourcePath: string): EffectiveTime | { path: string; error: string } | undefined {
  const candidates: [unknown, string][] = [
    [field(resource, 'effectiveDateTime'), pathOf(resourcePath, 'effectiveDateTime')],
    [field(resource, 'effectiveInstant'), pathOf(resourcePath, 'effectiveInstant')],
  ];
  const period = field(resource, 'effectivePeriod');
  if (isObject(period)) candidates.push([field(period, 'start'), pathOf(pathOf(resourcePath, 'effectivePeriod'), 'start')]);
  for (const [value, path] of candidates) {
    if (value === undefined) continue;
    if (typeof value !== 'string' || !isFhirDateTime(value)) {
      return { path, error: 'must be a FHIR dateTime (e.g. 2024-03-05T14:20:00+01:00)' };
    }
    const ms = Date.parse(value.length === 4 ? `${value}-01-01` : value.length === 7 ? `${value}-01` : value);
    if (!Number.isFinite(ms)) return { path, error: 'must be a FHIR dateTime (e.g. 2024-03-05T14:20:00+01:00)' };
    return { text: value, ms, path, hasTime: isOffsetDateTime(value) };
  }
  if (field(resource, 'effectiveTiming') !== undefined) {
    return { path: pathOf(resourcePath, 'effectiveTiming'), error: 'effectiveTiming is not supported: use effectiveDateTime' };
  }
  return undefined;
}

/** Whole years from `birth` to `reference` (calendar arithmetic; a missing month/day counts as the 1st). */
export function ageInYears(birth: FhirDate, reference: FhirDate & { month: number; day: number }): number {
  const month = birth.month ?? 1;
  const day = birth.day ?? 1;
  const beforeBirthday = reference.month < month || (reference.month === month && reference.day < day);
  return reference.year - birth.year - (beforeBirthday ? 1 : 0);
}

export function formatFhirDate(date: { year: number; month: number; day: number }): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}
