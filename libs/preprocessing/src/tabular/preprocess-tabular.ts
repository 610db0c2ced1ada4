import type { TabularInput } from '@lf/contracts';
import { COMORBIDITIES } from '@lf/contracts';
import { PreprocessingError } from '../errors/preprocessing-error';
import { standardize } from '../util/standardize';
import { readTabularInput } from './read-tabular-input';
import { NUMERIC_FEATURE_SPECS, TABULAR_FEATURES, TABULAR_LAB_FEATURES, TABULAR_NUMERIC_FEATURES } from './tabular-features';
import type { TabularStats } from './tabular-stats';

export interface TabularTensor {
  /** Length TABULAR_FEATURES.length (28); layout documented on TABULAR_FEATURES. */
  tensor: Float32Array;
  featureNames: string[];
  qualityFlags: string[];
}

function assertStats(stats: TabularStats): void {
  if (
    !stats ||
    stats.kind !== 'tabular-stats' ||
    stats.version !== 1 ||
    !Array.isArray(stats.featureNames) ||
    stats.featureNames.join('|') !== TABULAR_FEATURES.join('|')
  ) {
    throw new PreprocessingError('invalid_spec', 'stats', 'tabular stats are missing or were fitted for a different feature layout');
  }
  for (const f of TABULAR_NUMERIC_FEATURES) {
    const s = stats.numeric?.[f];
    const usable = s && Number.isFinite(s.median) && Number.isFinite(s.mean) && s.std > 0;
    if (!usable || s.transform !== NUMERIC_FEATURE_SPECS[f].transform) {
      throw new PreprocessingError('invalid_spec', `stats.numeric.${f}`, 'is missing, non-finite or uses a different transform');
    }
  }
}

/**
 * One tabular input -> the tabular model's feature vector (layout on TABULAR_FEATURES):
 * numeric values are converted, log1p'd where skewed, median-imputed when missing and standardized
 * with the training mean/std; binary features stay 0/1; missingness indicators come last.
 * Note the imputed value standardizes to (median - mean) / std, near but not exactly 0; the
 * indicator is what tells the model the value was not measured.
 */
export function preprocessTabular(input: TabularInput, stats: TabularStats): TabularTensor {
  assertStats(stats);
  const obs = readTabularInput(input);
  const flags: string[] = [];
  const z = {} as Record<(typeof TABULAR_NUMERIC_FEATURES)[number], number>;
  let clipped = false;
  let missingNumeric = 0;
  for (const f of TABULAR_NUMERIC_FEATURES) {
    const value = obs.numeric[f];
    if (value === undefined) missingNumeric++;
    const s = standardize(value ?? stats.numeric[f].median, stats.numeric[f]);
    clipped ||= s.clipped;
    z[f] = s.z;
  }
  const missing = (v: unknown): number => (v === undefined ? 1 : 0);
  const values: number[] = [
    z.ageYears,
    obs.sex === 'female' ? 1 : 0,
    obs.sex === 'male' ? 1 : 0,
    z.bmi,
    ...COMORBIDITIES.map((c) => obs.comorbidities[c]),
    ...TABULAR_LAB_FEATURES.map((l) => z[l]),
    missing(obs.numeric.ageYears),
    missing(obs.sex),
    missing(obs.numeric.bmi),
    obs.comorbiditiesMissing ? 1 : 0,
    ...TABULAR_LAB_FEATURES.map((l) => missing(obs.numeric[l])),
  ];
  if (TABULAR_LAB_FEATURES.every((l) => obs.numeric[l] === undefined)) flags.push('no_labs');
  if (missingNumeric * 2 >= TABULAR_NUMERIC_FEATURES.length) flags.push('sparse');
  if (clipped) flags.push('outlier_clipped');
  return { tensor: Float32Array.from(values), featureNames: [...TABULAR_FEATURES], qualityFlags: flags };
}
