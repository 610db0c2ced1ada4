import { vitalsInputSchema, type ModelManifest } from '@lf/contracts';
import { parseModalityInput, type ModalityDefinition } from '@lf/modality-worker';
import { preprocessVitals, type VitalsSpec, type VitalsStats } from '@lf/preprocessing';

/** The resampling grid and the per-channel stats fitted on the training windows, stored in the manifest. */
function vitalsParams(manifest: ModelManifest): { spec: VitalsSpec; stats: VitalsStats } {
  const params = manifest.preprocessing?.['vitals'] as { spec?: VitalsSpec; stats?: VitalsStats } | undefined;
  if (!params?.spec || !params.stats) throw new Error('manifest has no preprocessing.vitals {spec, stats}');
  return { spec: params.spec, stats: params.stats };
}

/** An irregular vital-sign series -> [T, 12] time-major bins (6 z-scored channels + 6 masks). */
export const vitalsModality: ModalityDefinition = {
  name: 'vitals',
  modelName: 'vitals',
  defaultOpsPort: 3013,
  checkManifest: (manifest) => void vitalsParams(manifest),
  preprocess(input, manifest) {
    const series = parseModalityInput(vitalsInputSchema, input, 'inputs.vitals');
    const { spec, stats } = vitalsParams(manifest);
    const { tensor, shape, qualityFlags } = preprocessVitals(series, spec, stats);
    return { tensor, shape, qualityFlags };
  },
};
