// Public API of @lf/preprocessing: pure input -> tensor code shared by training and the modality workers.

export { PreprocessingError, isPreprocessingError, type PreprocessingErrorCode } from './errors/preprocessing-error';
export { parseBase64Strict } from './util/parse-base64-strict';
export { parseIsoDateTime } from './util/parse-iso-date-time';
export { type SummaryStats, MIN_STD } from './util/summary-stats';
export { Z_CLIP } from './util/standardize';

export { preprocessImaging, type ImagingTensor } from './imaging/preprocess-imaging';
export { DEFAULT_IMAGING_SPEC, MAX_IMAGE_SIDE, type ImagingSpec } from './imaging/imaging-spec';
export { SUPPORTED_TRANSFER_SYNTAXES } from './imaging/decode-dicom';
export { resample2d } from './imaging/resample';
export { windowIntensity } from './imaging/window-intensity';

export {
  TABULAR_FEATURES,
  TABULAR_NUMERIC_FEATURES,
  NUMERIC_FEATURE_SPECS,
  type TabularNumericFeature,
  type NumericFeatureSpec,
} from './tabular/tabular-features';
export { toCanonicalUnit } from './tabular/lab-units';
export { fitTabularStats, type TabularStats, type TabularFeatureStats } from './tabular/tabular-stats';
export { preprocessTabular, type TabularTensor } from './tabular/preprocess-tabular';

export { DEFAULT_VITALS_SPEC, vitalsTimeSteps, type VitalsSpec } from './vitals/vitals-spec';
export { VITAL_RANGES, type VitalRange } from './vitals/vital-ranges';
export { fitVitalsStats, type VitalsStats, type VitalChannelStats } from './vitals/vitals-stats';
export { preprocessVitals, VITALS_CHANNELS, VITALS_CHANNEL_NAMES, type VitalsTensor } from './vitals/preprocess-vitals';
