import { VITAL_SIGN_NAMES, type VitalSign, type VitalsInput } from '@lf/contracts';
import { PreprocessingError } from '../errors/preprocessing-error';
import { parseIsoDateTime } from '../util/parse-iso-date-time';
import { VITAL_RANGES } from './vital-ranges';

const ROOT = 'inputs.vitals.samples';

/** One validated sample; `index` is its position in the input so errors and tests can refer back. */
export interface VitalReading {
  index: number;
  timeMs: number;
  values: Partial<Record<VitalSign, number>>;
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/**
 * Validates every sample (timestamp, type, plausible range) and parses its time. Order is kept as
 * given; binning sorts. Throws empty_series if no sample carries any value at all.
 */
export function readVitalSamples(input: VitalsInput): VitalReading[] {
  const samples = (input as { samples?: unknown } | null | undefined)?.samples;
  if (!Array.isArray(samples)) throw new PreprocessingError('invalid_value', ROOT, 'must be an array of samples');
  if (samples.length === 0) throw new PreprocessingError('empty_series', ROOT, 'has no samples');
  let anyValue = false;
  const readings = samples.map((sample: unknown, index): VitalReading => {
    const field = `${ROOT}[${index}]`;
    if (typeof sample !== 'object' || sample === null) throw new PreprocessingError('invalid_value', field, 'must be an object');
    const s = sample as Record<string, unknown>;
    const timeMs = typeof s['t'] === 'string' ? parseIsoDateTime(s['t']) : undefined;
    if (timeMs === undefined) {
      throw new PreprocessingError(
        'bad_encoding',
        `${field}.t`,
        'must be an ISO 8601 date-time with offset, e.g. 2024-05-01T13:45:00Z',
      );
    }
    const values: Partial<Record<VitalSign, number>> = {};
    for (const name of VITAL_SIGN_NAMES) {
      const v = s[name];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new PreprocessingError('not_a_number', `${field}.${name}`, 'must be a finite number');
      }
      const r = VITAL_RANGES[name];
      if (v < r.min || v > r.max) {
        const reason = `${r.label} ${fmt(v)}${r.unit} is outside ${r.min}..${r.max}${r.unit}`;
        throw new PreprocessingError('impossible_value', `${field}.${name}`, reason);
      }
      values[name] = v;
      anyValue = true;
    }
    return { index, timeMs, values };
  });
  if (!anyValue) throw new PreprocessingError('empty_series', ROOT, 'no sample has any vital-sign value');
  return readings;
}
