import { storedImagingInputSchema, type ModelManifest } from '@lf/contracts';
import { parseModalityInput, type ModalityDefinition } from '@lf/modality-worker';
import { preprocessImaging, type ImagingSpec } from '@lf/preprocessing';

/** The imaging model's preprocessing spec (window, output size), as the trainer stored it in the manifest. */
function imagingSpec(manifest: ModelManifest): ImagingSpec {
  const spec = manifest.preprocessing?.['imaging'];
  if (!spec || typeof spec !== 'object') throw new Error('manifest has no preprocessing.imaging spec');
  return spec as ImagingSpec;
}

/** One CT/X-ray slice (DICOM, PNG or raw array) -> [1 + bands, size, size]: windowed intensity and tissue-band fractions. */
export const imagingModality: ModalityDefinition = {
  name: 'imaging',
  modelName: 'imaging',
  defaultOpsPort: 3011,
  checkManifest: (manifest) => void imagingSpec(manifest),
  preprocess(input, manifest) {
    const slice = parseModalityInput(storedImagingInputSchema, input, 'inputs.imaging');
    const { tensor, shape, qualityFlags } = preprocessImaging(slice, imagingSpec(manifest));
    return { tensor, shape, qualityFlags };
  },
};
