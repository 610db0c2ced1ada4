import { VITAL_SIGN_NAMES, type VitalSign, type VitalsInput } from '@lf/contracts';
import { PreprocessingError } from '../errors/preprocessing-error';
import { standardize } from '../util/standardize';
import { binVitals } from './bin-vitals';
import { readVitalSamples } from './read-vital-samples';
import type { VitalsSpec } from './vitals-spec';
import type { VitalsStats } from './vitals-stats';
import { vitalsWindow } from './vitals-window';

/** Channels per time step: 6 normalized vitals, then 6 observation masks. */
export const VITALS_CHANNELS = 2 * VITAL_SIGN_NAMES.length;

/** Names of the C = 12 channels in tensor order, for the manifest. */
export const VITALS_CHANNEL_NAMES: readonly string[] = Object.freeze([
  ...VITAL_SIGN_NAMES,
  ...VITAL_SIGN_NAMES.map((n) => `mask.${n}`),
]);

/**
 * 'sparse' when fewer than 1/4 of the bins hold a measurement: ward vitals every 4 h fill 6 of 24 hourly
 * bins and are normal care, not a data problem; less than that leaves the model mostly carried values.
 */
const SPARSE_FRACTION_DENOMINATOR = 4;

/** Less history than this (or the whole window, if shorter) makes trends unreliable. */
const SHORT_SERIES_HOURS = 6;

export interface VitalsTensor {
  /**
   * Row-major [T, C], time-major: element (t, c) is at t * C + c; t = 0 is the oldest bin, t = T - 1
   * ends at the assessment time. Channels 0-5 are the z-scored vitals in VITAL_SIGN_NAMES order
   * (heartRate, systolicBp, diastolicBp, respiratoryRate, spo2, temperature), 6-11 their masks
   * (1 = measured in this bin, 0 = carried forward or median-filled).
   */
  tensor: Float32Array;
  shape: [number, number];
  qualityFlags: string[];
}

function assertStats(stats: VitalsStats, spec: VitalsSpec): void {
  if (!stats || stats.kind !== 'vitals-stats' || stats.version !== 1 || stats.channels?.join('|') !== VITAL_SIGN_NAMES.join('|')) {
    throw new PreprocessingError('invalid_spec', 'stats', 'vitals stats are missing or were fitted for different channels');
  }
  if (stats.spec?.hours !== spec.hours || stats.spec?.stepMinutes !== spec.stepMinutes) {
    // Medians/means from another grid would silently shift the model's inputs; the manifest must agree with itself.
    throw new PreprocessingError('invalid_spec', 'stats.spec', 'stats were fitted for a different hours/stepMinutes grid');
  }
  for (const n of VITAL_SIGN_NAMES) {
    const s = stats.channelStats?.[n];
    if (!s || !Number.isFinite(s.median) || !Number.isFinite(s.mean) || !(s.std > 0)) {
      throw new PreprocessingError('invalid_spec', `stats.channelStats.${n}`, 'is missing or not finite');
    }
  }
}

/**
 * A vitals series -> the vitals model's [T, 12] input. Pure: the window ends at the latest sample,
 * so the same series gives the same tensor in training and in the worker.
 */
export function preprocessVitals(input: VitalsInput, spec: VitalsSpec, stats: VitalsStats): VitalsTensor {
  const readings = readVitalSamples(input);
  const window = vitalsWindow(readings, spec);
  assertStats(stats, spec);

  const medians = Object.fromEntries(VITAL_SIGN_NAMES.map((n) => [n, stats.channelStats[n].median])) as Record<VitalSign, number>;
  const binned = binVitals(readings, window, medians);
  const V = VITAL_SIGN_NAMES.length;
  const T = window.steps;
  const tensor = new Float32Array(T * VITALS_CHANNELS);
  let clipped = false;
  let observedSteps = 0;
  for (let t = 0; t < T; t++) {
    let any = false;
    for (let c = 0; c < V; c++) {
      const s = standardize(binned.values[t * V + c], stats.channelStats[VITAL_SIGN_NAMES[c]]);
      clipped ||= s.clipped;
      tensor[t * VITALS_CHANNELS + c] = s.z;
      const m = binned.mask[t * V + c];
      tensor[t * VITALS_CHANNELS + V + c] = m;
      any ||= m === 1;
    }
    if (any) observedSteps++;
  }

  const flags: string[] = [];
  let firstMs = Infinity;
  for (const r of readings) if (r.timeMs < firstMs) firstMs = r.timeMs;
  if (window.endMs - firstMs < Math.min(SHORT_SERIES_HOURS, spec.hours) * 3_600_000) flags.push('short_series');
  if (observedSteps * SPARSE_FRACTION_DENOMINATOR < T) flags.push('sparse');
  for (const n of binned.neverObserved) flags.push(`missing_channel:${n}`);
  const inverted = (r: (typeof readings)[number]) =>
    r.values.systolicBp !== undefined && r.values.diastolicBp !== undefined && r.values.diastolicBp >= r.values.systolicBp;
  // Not an error (artefact or swapped fields happen), but worth surfacing with the score.
  if (readings.some(inverted)) {
    flags.push('diastolic_not_below_systolic');
  }
  if (clipped) flags.push('outlier_clipped');
  return { tensor, shape: [T, VITALS_CHANNELS], qualityFlags: flags };
}
