import { VITAL_SIGN_NAMES, type VitalSample, type VitalsInput } from '@lf/contracts';
import {
  DEFAULT_VITALS_SPEC,
  VITALS_CHANNEL_NAMES,
  fitVitalsStats,
  preprocessVitals,
  type VitalsSpec,
  type VitalsStats,
} from '../../src';
import { expectPreprocessingError } from '../fixtures/expect-preprocessing-error';

const spec4: VitalsSpec = { hours: 4, stepMinutes: 60 };
const C = 12;

/** Hand-made stats: every channel median 50, mean 50, std 10, except heart rate (mean 80, std 10). */
function handStats(spec: VitalsSpec): VitalsStats {
  const channelStats = Object.fromEntries(
    VITAL_SIGN_NAMES.map((n) => [n, { median: 50, mean: n === 'heartRate' ? 80 : 50, std: 10, count: 1, unit: '' }]),
  ) as VitalsStats['channelStats'];
  return { kind: 'vitals-stats', version: 1, spec, channels: [...VITAL_SIGN_NAMES], channelStats, fittedOn: 1 };
}
const t = (hhmm: string) => `2024-05-01T${hhmm}:00Z`;
const cell = (tensor: Float32Array, step: number, channel: number) => tensor[step * C + channel];
const HR = VITAL_SIGN_NAMES.indexOf('heartRate');
const SPO2 = VITAL_SIGN_NAMES.indexOf('spo2');
const TEMP = VITAL_SIGN_NAMES.indexOf('temperature');

// Window (08:00, 12:00] in four right-closed hourly bins; the latest sample (12:00) is the assessment time.
const example: VitalSample[] = [
  { t: t('09:45'), heartRate: 90 },
  { t: t('12:00'), spo2: 55 },
  { t: t('07:00'), heartRate: 60 },
  { t: t('08:00'), heartRate: 70 }, // exactly `hours` old: before the window, but the latest value before it
  { t: t('08:00'), heartRate: 72 }, // same instant: averaged with the one above
  { t: t('09:30'), heartRate: 80 },
  { t: t('11:30'), heartRate: 100 },
];

describe('preprocessVitals', () => {
  const out = preprocessVitals({ samples: example }, spec4, handStats(spec4));
  const hr = (step: number) => cell(out.tensor, step, HR) * 10 + 80; // undo z-scoring

  it('returns a time-major [T, 12] tensor: 6 normalized vitals then 6 masks', () => {
    expect(out.shape).toEqual([4, 12]);
    expect(out.tensor.length).toBe(48);
    expect(VITALS_CHANNEL_NAMES).toEqual([...VITAL_SIGN_NAMES, ...VITAL_SIGN_NAMES.map((n) => `mask.${n}`)]);
  });

  it('averages samples within a bin and marks it observed', () => {
    expect(hr(1)).toBeCloseTo(85, 4); // 09:30 and 09:45
    expect(cell(out.tensor, 1, 6 + HR)).toBe(1);
    expect(hr(3)).toBeCloseTo(100, 4);
    expect(cell(out.tensor, 3, 6 + HR)).toBe(1);
  });

  it('carries the last observed value forward into empty bins, including from before the window', () => {
    expect(hr(0)).toBeCloseTo(71, 4); // mean of the two 08:00 samples
    expect(cell(out.tensor, 0, 6 + HR)).toBe(0);
    expect(hr(2)).toBeCloseTo(90, 4); // last sample (09:45), not the bin mean 85
    expect(cell(out.tensor, 2, 6 + HR)).toBe(0);
  });

  it('fills with the training median until a channel is first observed', () => {
    for (const step of [0, 1, 2]) {
      expect(cell(out.tensor, step, SPO2)).toBeCloseTo(0, 6); // median 50 == mean 50
      expect(cell(out.tensor, step, 6 + SPO2)).toBe(0);
    }
    expect(cell(out.tensor, 3, SPO2)).toBeCloseTo(0.5, 6); // (55 - 50) / 10
    expect(cell(out.tensor, 3, 6 + SPO2)).toBe(1);
    expect(cell(out.tensor, 3, TEMP)).toBeCloseTo(0, 6);
  });

  it('flags never-observed channels but not this series as short or sparse', () => {
    expect(out.qualityFlags).toEqual(
      ['systolicBp', 'diastolicBp', 'respiratoryRate', 'temperature'].map((n) => `missing_channel:${n}`),
    );
  });

  it('does not depend on the order of the samples', () => {
    const reversed = preprocessVitals({ samples: [...example].reverse() }, spec4, handStats(spec4));
    const rotated = preprocessVitals({ samples: [...example.slice(3), ...example.slice(0, 3)] }, spec4, handStats(spec4));
    expect(Array.from(reversed.tensor)).toEqual(Array.from(out.tensor));
    expect(Array.from(rotated.tensor)).toEqual(Array.from(out.tensor));
  });

  it('honours timestamp offsets (same instant, different zones)', () => {
    const shifted = example.map((s) => ({ ...s, t: s.t.replace(/T(\d\d)/, (_, h) => `T${String(Number(h) + 2).padStart(2, '0')}`).replace('Z', '+02:00') }));
    expect(Array.from(preprocessVitals({ samples: shifted }, spec4, handStats(spec4)).tensor)).toEqual(Array.from(out.tensor));
  });

  it('flags short, sparse series and diastolic >= systolic', () => {
    const spec = DEFAULT_VITALS_SPEC;
    const res = preprocessVitals(
      { samples: [{ t: t('10:00'), heartRate: 80 }, { t: t('12:00'), systolicBp: 90, diastolicBp: 95 }] },
      spec,
      handStats(spec),
    );
    expect(res.shape).toEqual([24, 12]);
    expect(res.qualityFlags).toEqual(expect.arrayContaining(['short_series', 'sparse', 'diastolic_not_below_systolic']));
  });

  it('errors: empty series, NaN, impossible values and bad timestamps, with the sample index', () => {
    const stats = handStats(spec4);
    const run = (samples: unknown[]) => () => preprocessVitals({ samples } as VitalsInput, spec4, stats);
    expectPreprocessingError(run([]), 'empty_series', 'inputs.vitals.samples');
    expectPreprocessingError(run([{ t: t('10:00') }, { t: t('11:00') }]), 'empty_series', 'inputs.vitals.samples');
    expectPreprocessingError(run([{ t: t('10:00'), heartRate: 80 }, { t: t('11:00'), spo2: NaN }]), 'not_a_number', 'inputs.vitals.samples[1].spo2');
    const e = expectPreprocessingError(
      run([{ t: t('09:00'), heartRate: 80 }, { t: t('10:00') }, { t: t('11:00') }, { t: t('11:30'), heartRate: 900 }]),
      'impossible_value',
      'inputs.vitals.samples[3].heartRate',
    );
    expect(e.reason).toBe('heart rate 900/min is outside 0..350/min');
    expect(e.message).toBe('inputs.vitals.samples[3].heartRate: heart rate 900/min is outside 0..350/min');
    expectPreprocessingError(run([{ t: t('10:00'), temperature: 98.6 }]), 'impossible_value', 'inputs.vitals.samples[0].temperature');
    expectPreprocessingError(run([{ t: t('10:00'), systolicBp: -5 }]), 'impossible_value', 'inputs.vitals.samples[0].systolicBp');
    expectPreprocessingError(run([{ t: t('10:00'), diastolicBp: 260 }]), 'impossible_value', 'inputs.vitals.samples[0].diastolicBp');
    expectPreprocessingError(run([{ t: t('10:00'), respiratoryRate: 101 }]), 'impossible_value', 'inputs.vitals.samples[0].respiratoryRate');
    expectPreprocessingError(run([{ t: t('10:00'), spo2: 101 }]), 'impossible_value', 'inputs.vitals.samples[0].spo2');
    for (const bad of ['yesterday', '2024-02-30T10:00:00Z', '2024-05-01T10:00:00', '2024-05-01 10:00:00Z', 1714557600000]) {
      expectPreprocessingError(run([{ t: t('10:00'), heartRate: 80 }, { t: bad, heartRate: 81 }]), 'bad_encoding', 'inputs.vitals.samples[1].t');
    }
  });

  it('rejects an invalid spec and stats fitted for another grid', () => {
    const samples = [{ t: t('10:00'), heartRate: 80 }];
    expectPreprocessingError(() => preprocessVitals({ samples }, { hours: 1, stepMinutes: 7 }, handStats(spec4)), 'invalid_spec', 'spec.stepMinutes');
    expectPreprocessingError(() => preprocessVitals({ samples }, DEFAULT_VITALS_SPEC, handStats(spec4)), 'invalid_spec', 'stats.spec');
  });
});

describe('fitVitalsStats', () => {
  it('fits median/mean/std per channel over samples inside each window, and is plain JSON', () => {
    const stats = fitVitalsStats(
      [
        { samples: [{ t: t('06:00'), heartRate: 200 }, { t: t('11:00'), heartRate: 60 }, { t: t('12:00'), heartRate: 80, spo2: 90 }] },
        { samples: [{ t: t('03:00'), heartRate: 100 }] },
      ],
      spec4,
    );
    expect(stats.channelStats.heartRate).toMatchObject({ median: 80, mean: 80, count: 3, unit: '/min' });
    expect(stats.channelStats.heartRate.std).toBeCloseTo(Math.sqrt(800 / 3), 10);
    expect(stats.channelStats.spo2).toMatchObject({ median: 90, mean: 90, count: 1 });
    expect(stats.channelStats.temperature).toMatchObject({ median: 37, count: 0 }); // reference fallback
    expect(stats.spec).toEqual(spec4);
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
    // And it is usable as is.
    expect(preprocessVitals({ samples: [{ t: t('12:00'), heartRate: 80 }] }, spec4, stats).tensor[HR]).toBeCloseTo(0, 6);
  });

  it('names the invalid training input', () => {
    const e = expectPreprocessingError(
      () => fitVitalsStats([{ samples: [{ t: t('12:00'), heartRate: 80 }] }, { samples: [{ t: t('12:00'), spo2: 120 }] }], spec4),
      'impossible_value',
      'inputs.vitals.samples[0].spo2',
    );
    expect(e.reason).toContain('training input 1');
  });
});
