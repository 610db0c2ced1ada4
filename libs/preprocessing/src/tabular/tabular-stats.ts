import type { TabularInput } from '@lf/contracts';
import { PreprocessingError, isPreprocessingError } from '../errors/preprocessing-error';
import { summarize, type SummaryStats } from '../util/summary-stats';
import { readTabularInput } from './read-tabular-input';
import { NUMERIC_FEATURE_SPECS, TABULAR_FEATURES, TABULAR_NUMERIC_FEATURES, type TabularNumericFeature } from './tabular-features';

/** Per numeric feature, fitted in transformed space (after unit conversion and log1p where used). */
export interface TabularFeatureStats extends SummaryStats {
  unit: string;
  transform: 'identity' | 'log1p';
}

/**
 * Everything preprocessTabular needs from training; plain JSON, stored in the model manifest.
 * `featureNames` pins the vector layout the model was trained on.
 */
export interface TabularStats {
  kind: 'tabular-stats';
  version: 1;
  featureNames: string[];
  numeric: Record<TabularNumericFeature, TabularFeatureStats>;
  /** Number of training inputs. */
  fittedOn: number;
}

/**
 * Fits imputation medians and standardization mean/std per numeric feature on the observed values of
 * the training inputs. An invalid training input is a data bug: it throws, saying which one.
 */
export function fitTabularStats(inputs: readonly TabularInput[]): TabularStats {
  const observed = Object.fromEntries(TABULAR_NUMERIC_FEATURES.map((f) => [f, [] as number[]])) as Record<
    TabularNumericFeature,
    number[]
  >;
  inputs.forEach((input, index) => {
    try {
      const obs = readTabularInput(input);
      for (const f of TABULAR_NUMERIC_FEATURES) {
        const v = obs.numeric[f];
        if (v !== undefined) observed[f].push(v);
      }
    } catch (error) {
      if (!isPreprocessingError(error)) throw error;
      throw new PreprocessingError(error.code, error.field, `${error.reason} (training input ${index})`);
    }
  });
  const numeric = {} as Record<TabularNumericFeature, TabularFeatureStats>;
  for (const f of TABULAR_NUMERIC_FEATURES) {
    const spec = NUMERIC_FEATURE_SPECS[f];
    const fallback = spec.transform === 'log1p' ? Math.log1p(spec.reference) : spec.reference;
    numeric[f] = { ...summarize(observed[f], fallback), unit: spec.unit, transform: spec.transform };
  }
  return { kind: 'tabular-stats', version: 1, featureNames: [...TABULAR_FEATURES], numeric, fittedOn: inputs.length };
}
