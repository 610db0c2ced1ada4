import * as tf from '@tensorflow/tfjs';
import { exportLayersModelToOnnx, type LayersExportOptions } from './export-layers-model';
import { permuteData } from './layer-converter';
import { maxAbsDiff, predictFlat, runOnnx, seededNormal, useQuietCpuBackend } from './testing/onnx-parity';

/*
 * Exporter coverage beyond the three nets: multi-channel inputs in either axis order, valid / dilated /
 * asymmetric convs, Flatten after channels-first tensors, concatenation across layouts, every supported
 * activation, bias-free layers, unknown spatial sizes, and the refusal paths.
 */
jest.setTimeout(30_000);
const TOLERANCE = 1e-4;

beforeAll(useQuietCpuBackend);

let seedCounter = 1000;
const init = () => ({
  kernelInitializer: tf.initializers.glorotUniform({ seed: seedCounter++ }),
  biasInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.3, seed: seedCounter++ }),
});

async function expectParity(
  model: tf.LayersModel,
  xShape: number[],
  options: LayersExportOptions,
  onnxFeed: (data: Float32Array) => { data: Float32Array; dims: number[] } = (data) => ({ data, dims: xShape }),
): Promise<void> {
  const data = seededNormal(xShape, seedCounter++);
  const x = tf.tensor(data, xShape);
  const expected = predictFlat(model, x);
  x.dispose();
  const bytes = exportLayersModelToOnnx(model, options);
  const out = await runOnnx(bytes, { [options.inputName ?? 'input']: onnxFeed(data) });
  expect(maxAbsDiff(expected, out[options.outputName ?? 'logit'])).toBeLessThanOrEqual(TOLERANCE);
}

/** Applies a layer in a functional graph (tfjs types apply() loosely). */
const sym = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor =>
  layer.apply(x) as tf.SymbolicTensor;

/** Moves a channels-last batch [N, H, W, C] to the [N, C, H, W] an ONNX caller would feed. */
const nchwFeed = (shape: [number, number, number, number]) => (data: Float32Array) => ({
  data: permuteData(data, shape, [0, 3, 1, 2]),
  dims: [shape[0], shape[3], shape[1], shape[2]],
});

function multiChannelConvModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [7, 6, 3],
        filters: 4,
        kernelSize: [3, 2],
        strides: [2, 1],
        padding: 'valid',
        activation: 'tanh',
        ...init(),
      }),
      tf.layers.conv2d({
        filters: 2,
        kernelSize: 3,
        dilationRate: 2,
        padding: 'same',
        activation: 'elu',
        useBias: false,
        ...init(),
      }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 5, activation: 'softplus', ...init() }),
      tf.layers.activation({ activation: 'sigmoid' }),
      tf.layers.dense({ units: 1, useBias: false, ...init() }),
    ],
  });
}

describe('exportLayersModelToOnnx parity on assorted layers', () => {
  it('multi-channel image fed channels-last (valid, dilated, flatten, all activations, no-bias)', async () => {
    const model = multiChannelConvModel();
    await expectParity(model, [16, 7, 6, 3], { inputShape: ['N', 7, 6, 3] });
    model.dispose();
  });

  it('the same model fed channels-first [N, C, H, W]', async () => {
    const model = multiChannelConvModel();
    const options: LayersExportOptions = { inputName: 'image', inputShape: ['N', 3, 7, 6] };
    await expectParity(model, [16, 7, 6, 3], options, nchwFeed([16, 7, 6, 3]));
    model.dispose();
  });

  it('channel-axis concat of conv maps, global max + average pooling 2D', async () => {
    const input = tf.input({ shape: [9, 8, 2] });
    const a = sym(
      tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', ...init() }),
      input,
    );
    const b = sym(tf.layers.conv2d({ filters: 3, kernelSize: 1, strides: 2, padding: 'valid', ...init() }), input);
    const maps = sym(tf.layers.concatenate(), [a, b]);
    const pooled = sym(tf.layers.concatenate(), [
      sym(tf.layers.globalMaxPooling2d({}), maps),
      sym(tf.layers.globalAveragePooling2d({}), maps),
    ]);
    const model = tf.model({ inputs: input, outputs: sym(tf.layers.dense({ units: 1, ...init() }), pooled) });
    await expectParity(model, [16, 9, 8, 2], { inputShape: ['N', 2, 9, 8] }, nchwFeed([16, 9, 8, 2]));
    model.dispose();
  });

  it('time-axis concat, mixed layouts and Flatten of a rank-3 tensor', async () => {
    const input = tf.input({ shape: [6, 3] });
    const c1 = sym(tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'valid', ...init() }), input); // [4, 4]
    const c2 = sym(tf.layers.conv1d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', ...init() }), input);
    const overTime = sym(tf.layers.concatenate({ axis: 1 }), [c1, c2]); // [7, 4]
    const c3 = sym(tf.layers.conv1d({ filters: 3, kernelSize: 1, ...init() }), input); // [6, 3]
    const withRaw = sym(tf.layers.concatenate(), [input, c3]); // the raw (channels-last) input next to a conv output
    const features = sym(tf.layers.concatenate(), [
      sym(tf.layers.flatten(), overTime),
      sym(tf.layers.globalAveragePooling1d(), withRaw),
    ]);
    const model = tf.model({ inputs: input, outputs: sym(tf.layers.dense({ units: 1, ...init() }), features) });
    await expectParity(model, [16, 6, 3], { inputName: 'series' });
    model.dispose();
  });

  it('unknown spatial size: auto_pad SAME_UPPER matches tfjs at several sizes', async () => {
    const input = tf.input({ shape: [null, null, 1] });
    const conv = sym(
      tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', ...init() }),
      input,
    );
    const pooled = sym(tf.layers.globalAveragePooling2d({}), conv);
    const model = tf.model({ inputs: input, outputs: sym(tf.layers.dense({ units: 1, ...init() }), pooled) });
    const options: LayersExportOptions = { inputShape: ['N', 1, 'H', 'W'], inputLayout: 'channels-first' };
    for (const [h, w] of [
      [10, 13],
      [11, 12],
    ]) {
      await expectParity(model, [4, h, w, 1], options, (data) => ({ data, dims: [4, 1, h, w] }));
    }
    model.dispose();
  });
});

describe('exportLayersModelToOnnx refusals', () => {
  const dense = (units: number, extra: object = {}) => tf.layers.dense({ units, ...extra });

  it('names the class of an unsupported layer', () => {
    const model = tf.sequential({ layers: [dense(3, { inputShape: [4] }), tf.layers.batchNormalization(), dense(1)] });
    expect(() => exportLayersModelToOnnx(model)).toThrow(/unsupported layer class "BatchNormalization"/);
  });

  it('names an unsupported activation and its layer', () => {
    const model = tf.sequential({ layers: [dense(2, { inputShape: [4], activation: 'softmax', name: 'probs' })] });
    expect(() => exportLayersModelToOnnx(model)).toThrow(/activation "softmax" of layer "probs"/);
  });

  it('refuses several inputs or outputs', () => {
    const a = tf.input({ shape: [2] });
    const b = tf.input({ shape: [2] });
    const model = tf.model({ inputs: [a, b], outputs: sym(dense(1), sym(tf.layers.concatenate(), [a, b])) });
    expect(() => exportLayersModelToOnnx(model)).toThrow(/one input and one output/);
  });

  it('refuses Dense on a rank-3 tensor and channelsFirst convolutions', () => {
    const seq = tf.sequential({ layers: [dense(2, { inputShape: [5, 3] })] });
    expect(() => exportLayersModelToOnnx(seq)).toThrow(/rank-3 input/);
    const cf = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [1, 8, 8], filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' })],
    });
    expect(() => exportLayersModelToOnnx(cf)).toThrow(/dataFormat channelsFirst/);
  });

  it('refuses ambiguous or mismatched input shapes', () => {
    const model = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [4, 4, 4], filters: 1, kernelSize: 1 }), tf.layers.flatten()],
    });
    expect(() => exportLayersModelToOnnx(model, { inputShape: ['N', 4, 4, 4] })).toThrow(/ambiguous/);
    expect(() => exportLayersModelToOnnx(model, { inputShape: ['N', 4, 4, 5] })).toThrow(/do not match/);
    const explicit = { inputShape: ['N', 4, 4, 4], inputLayout: 'channels-first' } as const;
    expect(() => exportLayersModelToOnnx(model, explicit)).not.toThrow();
  });

  it('refuses to export NaN weights', () => {
    const model = tf.sequential({ layers: [dense(1, { inputShape: [2] })] });
    model.layers[0].setWeights([tf.tensor2d([[NaN], [1]]), tf.tensor1d([0])]);
    expect(() => exportLayersModelToOnnx(model)).toThrow(/non-finite/);
  });
});
