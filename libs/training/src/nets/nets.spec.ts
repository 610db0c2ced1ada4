import * as tf from '@tensorflow/tfjs';
import { buildImagingNet } from './imaging-net';
import { buildTabularNet } from './tabular-net';
import { buildVitalsNet } from './vitals-net';
import { flatWeights, useQuietCpuBackend } from '../onnx/testing/onnx-parity';

beforeAll(useQuietCpuBackend);

function lastLayerActivation(model: tf.LayersModel): unknown {
  return model.layers[model.layers.length - 1].getConfig()['activation'];
}

describe('modality nets', () => {
  it('imaging: [N, S, S, 1] -> raw logit [N, 1], ~3.6k parameters', () => {
    const model = buildImagingNet({ size: 32, seed: 1 });
    expect(model.inputs[0].shape).toEqual([null, 32, 32, 1]);
    expect(model.outputs[0].shape).toEqual([null, 1]);
    expect(lastLayerActivation(model)).toBe('linear');
    // convs 80 + 1168 + 2320, dense over 16 pooled conv features + 1 pooled input channel: 17 + 1
    expect(model.countParams()).toBe(80 + 1168 + 2320 + 18);
    model.dispose();
  });

  it('tabular: [N, F] -> raw logit [N, 1]; dropout only when asked', () => {
    const plain = buildTabularNet({ features: 6, seed: 1 });
    const withDropout = buildTabularNet({ features: 6, seed: 1, dropout: 0.2 });
    expect(plain.outputs[0].shape).toEqual([null, 1]);
    expect(lastLayerActivation(plain)).toBe('linear');
    expect(plain.layers.some((l) => l.getClassName() === 'Dropout')).toBe(false);
    expect(withDropout.layers.some((l) => l.getClassName() === 'Dropout')).toBe(true);
    plain.dispose();
    withDropout.dispose();
  });

  it('vitals: [N, T, C] -> raw logit [N, 1] via average + max pooling', () => {
    const model = buildVitalsNet({ steps: 24, channels: 5, seed: 1 });
    expect(model.inputs[0].shape).toEqual([null, 24, 5]);
    expect(model.outputs[0].shape).toEqual([null, 1]);
    expect(lastLayerActivation(model)).toBe('linear');
    const classes = model.layers.map((l) => l.getClassName());
    expect(classes).toEqual(expect.arrayContaining(['GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'Concatenate']));
    const y = model.predict(tf.ones([3, 24, 5])) as tf.Tensor;
    expect(y.shape).toEqual([3, 1]);
    y.dispose();
    model.dispose();
  });

  it.each([
    ['imaging', (seed: number) => buildImagingNet({ size: 16, seed })],
    ['tabular', (seed: number) => buildTabularNet({ features: 5, seed })],
    ['vitals', (seed: number) => buildVitalsNet({ steps: 12, channels: 3, seed })],
  ])('%s builds are reproducible from the seed', (_name, build) => {
    const [a, b, c] = [build(7), build(7), build(8)];
    expect(Array.from(flatWeights(a))).toEqual(Array.from(flatWeights(b)));
    expect(Array.from(flatWeights(a))).not.toEqual(Array.from(flatWeights(c)));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('outputBias initializes the logit bias (e.g. the prior log-odds)', () => {
    const model = buildTabularNet({ features: 2, seed: 1, outputBias: -1.5 });
    const weights = model.layers[model.layers.length - 1].getWeights();
    expect(weights[1].dataSync()[0]).toBeCloseTo(-1.5, 6);
    model.dispose();
  });
});
