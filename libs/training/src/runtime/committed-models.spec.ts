import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadModel } from './load-model';
import { resolveModelDir } from './resolve-model-dir';

const MODELS_ROOT = join(__dirname, '../../../../models');

// The models the workers serve are committed; each must load in onnxruntime-node, match its manifest's
// sha256, and produce a finite logit for an input of the declared shape.
describe('committed models', () => {
  const names = ['imaging', 'tabular', 'vitals', 'fusion'];
  it.each(names)('%s loads, matches its sha256 and runs', async (name) => {
    expect(existsSync(join(MODELS_ROOT, name))).toBe(true);
    const model = await loadModel(resolveModelDir(MODELS_ROOT, name));
    expect(model.manifest.training.smoke).toBe(false);
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of model.manifest.inputs) {
      const shape = input.shape.map((d) => (typeof d === 'number' ? d : 2));
      const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => (i % 7) / 7);
      feeds[input.name] = new ort.Tensor('float32', data, shape);
    }
    const out = await model.session!.run(feeds);
    const first = out[model.manifest.outputs[0].name].data as Float32Array;
    expect(first.length).toBe(2);
    expect(Array.from(first).every(Number.isFinite)).toBe(true);
  });
});
