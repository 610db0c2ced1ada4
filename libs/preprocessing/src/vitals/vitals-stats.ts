import { VITAL_SIGN_NAMES, VITAL_SIGNS, type VitalSign, type VitalsInput } from '@lf/contracts';
import { PreprocessingError, isPreprocessingError } from '../errors/preprocessing-error';
import { summarize, type SummaryStats } from '../util/summary-stats';
import { readVitalSamples } from './read-vital-samples';
import { VITAL_RANGES } from './vital-ranges';
import type { VitalsSpec } from './vitals-spec';
import { binIndex, vitalsWindow } from './vitals-window';

export interface VitalChannelStats extends SummaryStats {
  /** UCUM unit of the channel (contracts VITAL_SIGNS). */
  unit: string;
}

/** Fitted per-channel stats plus the grid they were fitted for; plain JSON for the model manifest. */
export interface VitalsStats {
  kind: 'vitals-stats';
  version: 1;
  spec: VitalsSpec;
  /** Channel order of the tensor (contracts VITAL_SIGN_NAMES at fit time). */
  channels: VitalSign[];
  channelStats: Record<VitalSign, VitalChannelStats>;
  /** Number of training inputs. */
  fittedOn: number;
}

/**
 * Median (fill value before the first observation), mean and std (normalization) per channel, over the
 * raw samples that fall inside each training input's window: the values the model sees as observed.
 * An invalid training input is a data bug: it throws, saying which one.
 */
export function fitVitalsStats(inputs: readonly VitalsInput[], spec: VitalsSpec): VitalsStats {
  const observed = Object.fromEntries(VITAL_SIGN_NAMES.map((n) => [n, [] as number[]])) as Record<VitalSign, number[]>;
  inputs.forEach((input, index) => {
    try {
      const readings = readVitalSamples(input);
      const window = vitalsWindow(readings, spec);
      for (const r of readings) {
        if (binIndex(r.timeMs, window) < 0) continue;
        for (const name of VITAL_SIGN_NAMES) {
          const v = r.values[name];
          if (v !== undefined) observed[name].push(v);
        }
      }
    } catch (error) {
      if (!isPreprocessingError(error) || error.code === 'invalid_spec') throw error;
      throw new PreprocessingError(error.code, error.field, `${error.reason} (training input ${index})`);
    }
  });
  const channelStats = Object.fromEntries(
    VITAL_SIGN_NAMES.map((n) => [n, { ...summarize(observed[n], VITAL_RANGES[n].reference), unit: VITAL_SIGNS[n] }]),
  ) as Record<VitalSign, VitalChannelStats>;
  return {
    kind: 'vitals-stats',
    version: 1,
    spec: { hours: spec.hours, stepMinutes: spec.stepMinutes },
    channels: [...VITAL_SIGN_NAMES],
    channelStats,
    fittedOn: inputs.length,
  };
}
