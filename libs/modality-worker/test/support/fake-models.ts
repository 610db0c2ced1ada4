import type { ModelManifest } from '@lf/contracts';
import type { ModalityTensor } from '../../src/modality-definition';
import type { ModelProvider } from '../../src/processing/score-modality.handler';
import { testManifest } from './write-model-version';

/** A model provider whose "inference" is a function of the tensor (or throws), for handler tests. */
export class FakeModels implements ModelProvider {
  manifest: ModelManifest;
  inferCalls = 0;
  infer: (t: ModalityTensor) => Promise<number> = async (t) => t.tensor.reduce((a, b) => a + b, 0);

  constructor(version = '1.0.0', calibration: ModelManifest['calibration'] = { method: 'platt', a: 0.5, b: -1 }) {
    this.manifest = { ...testManifest({ version }, '0'.repeat(64)), calibration };
  }

  get current() {
    return { name: this.manifest.name, version: this.manifest.version };
  }

  async withModel<T>(fn: Parameters<ModelProvider['withModel']>[0]): Promise<T> {
    return fn({
      name: this.manifest.name,
      version: this.manifest.version,
      manifest: this.manifest,
      infer: (t) => {
        this.inferCalls++;
        return this.infer(t);
      },
    }) as Promise<T>;
  }
}
