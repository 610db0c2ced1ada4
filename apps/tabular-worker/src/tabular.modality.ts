import { tabularInputSchema, type ModelManifest } from '@lf/contracts';
import { parseModalityInput, type ModalityDefinition } from '@lf/modality-worker';
import { preprocessTabular, type TabularStats } from '@lf/preprocessing';

/** Imputation medians and z-score stats fitted on the training split, stored in the manifest. */
function tabularStats(manifest: ModelManifest): TabularStats {
  const stats = manifest.preprocessing?.['tabular'];
  if (!stats || typeof stats !== 'object') throw new Error('manifest has no preprocessing.tabular stats');
  return stats as TabularStats;
}

/** EHR features (demographics, labs in any supported unit, comorbidities; any may be missing) -> [28]. */
export const tabularModality: ModalityDefinition = {
  name: 'tabular',
  modelName: 'tabular',
  defaultOpsPort: 3012,
  checkManifest: (manifest) => void tabularStats(manifest),
  preprocess(input, manifest) {
    const features = parseModalityInput(tabularInputSchema, input, 'inputs.tabular');
    const { tensor, qualityFlags } = preprocessTabular(features, tabularStats(manifest));
    return { tensor, shape: [tensor.length], qualityFlags };
  },
};
