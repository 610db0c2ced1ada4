import * as tf from '@tensorflow/tfjs';
import { buildImagingNet, buildTabularNet, buildVitalsNet } from '../nets';
import { exportLayersModelToOnnx } from './export-layers-model';
import {
  flatWeights,
  maxAbsDiff,
  predictFlat,
  runOnnx,
  seededNormal,
  trainTinySteps,
  useQuietCpuBackend,
} from './testing/onnx-parity';

/*
 * DESIGN.md 4: the exported ONNX model and the tfjs trainer agree on the same inputs to 1e-4.
 * Each net is checked with its seeded initial weights and after two Adam steps, on 16 random inputs.
 * Imaging at 32 (stride-2 'same' pads are asymmetric: 0 before, 1 after) and 33 (symmetric);
 * vitals at 24 / 25 steps for the same reason on the strided Conv1D.
 */
jest.setTimeout(30_000);
const TOLERANCE = 1e-4;
const BATCH = 16;
const measured: Record<string, number> = {};

beforeAll(useQuietCpuBackend);

afterAll(() => {
  if (process.env['PARITY_REPORT']) process.stdout.write(`nets parity max |diff|: ${JSON.stringify(measured)}\n`);
});

async function expectParity(
  label: string,
  model: tf.LayersModel,
  xShape: number[],
  onnxInput: { name: string; dims: number[]; shape?: Array<number | string> },
  seed: number,
): Promise<void> {
  const data = seededNormal(xShape, seed);
  const x = tf.tensor(data, xShape);
  const expected = predictFlat(model, x);
  x.dispose();
  const bytes = exportLayersModelToOnnx(model, { inputName: onnxInput.name, inputShape: onnxInput.shape });
  const out = await runOnnx(bytes, { [onnxInput.name]: { data, dims: onnxInput.dims } });
  expect(out['logit']).toHaveLength(BATCH);
  const diff = maxAbsDiff(expected, out['logit']);
  measured[label] = diff;
  expect(diff).toBeLessThanOrEqual(TOLERANCE);
}

async function trainTwoSteps(model: tf.LayersModel, xShape: number[], seed: number): Promise<void> {
  const before = flatWeights(model);
  const x = tf.tensor(seededNormal(xShape, seed), xShape);
  await trainTinySteps(model, x, 2, seed);
  x.dispose();
  expect(maxAbsDiff(before, flatWeights(model))).toBeGreaterThan(1e-3);
}

describe.each([32, 33])('imaging net %i x %i', (size) => {
  const xShape = [BATCH, size, size, 1];
  // NHWC with C = 1 has the same bytes as the ONNX model's NCHW input, so the same array feeds both.
  const onnxInput = { name: 'image', dims: [BATCH, 1, size, size], shape: ['N', 1, size, size] };

  it('matches onnxruntime with initial weights', async () => {
    const model = buildImagingNet({ size, seed: 11 });
    await expectParity(`imaging${size}/init`, model, xShape, onnxInput, 100 + size);
    model.dispose();
  });

  it('matches onnxruntime after two training steps', async () => {
    const model = buildImagingNet({ size, seed: 12, outputBias: -1.8 });
    await trainTwoSteps(model, xShape, 200 + size);
    await expectParity(`imaging${size}/trained`, model, xShape, onnxInput, 300 + size);
    model.dispose();
  });
});

// The served imaging model: intensity + two tissue-band channels. tfjs takes NHWC, the ONNX model NCHW
// (preprocessing's layout), so the ONNX feed is the transposed copy of the same values.
describe('imaging net with 3 channels (NHWC in tfjs, NCHW in ONNX)', () => {
  it('matches onnxruntime after two training steps', async () => {
    const size = 32;
    const channels = 3;
    const xShape = [BATCH, size, size, channels];
    const model = buildImagingNet({ size, channels, seed: 13, outputBias: -1.8 });
    await trainTwoSteps(model, xShape, 400);
    const data = seededNormal(xShape, 401);
    const x = tf.tensor(data, xShape);
    const expected = predictFlat(model, x);
    const nchw = x.transpose([0, 3, 1, 2]);
    const onnxData = nchw.dataSync() as Float32Array;
    const bytes = exportLayersModelToOnnx(model, { inputName: 'image', inputShape: ['N', channels, size, size], inputLayout: 'channels-first' });
    const out = await runOnnx(bytes, { image: { data: Float32Array.from(onnxData), dims: [BATCH, channels, size, size] } });
    tf.dispose([x, nchw]);
    const diff = maxAbsDiff(expected, out['logit']);
    measured['imaging32x3/trained'] = diff;
    expect(diff).toBeLessThanOrEqual(TOLERANCE);
    model.dispose();
  });
});

describe('tabular net', () => {
  const features = 9;
  const xShape = [BATCH, features];
  const onnxInput = { name: 'tabular', dims: xShape };

  it('matches onnxruntime with initial weights (dropout exported as identity)', async () => {
    const model = buildTabularNet({ features, seed: 21, dropout: 0.25 });
    expect(model.layers.map((l) => l.getClassName())).toContain('Dropout');
    await expectParity('tabular/init', model, xShape, onnxInput, 400);
    model.dispose();
  });

  it('matches onnxruntime after two training steps (dropout active while training)', async () => {
    const model = buildTabularNet({ features, seed: 22, dropout: 0.25 });
    await trainTwoSteps(model, xShape, 401);
    await expectParity('tabular/trained', model, xShape, onnxInput, 402);
    model.dispose();
  });
});

describe.each([24, 25])('vitals net, %i steps', (steps) => {
  const channels = 5;
  const xShape = [BATCH, steps, channels];
  // The ONNX model takes [N, T, C] like tfjs and transposes to [N, C, T] internally for Conv.
  const onnxInput = { name: 'vitals', dims: xShape, shape: ['N', steps, channels] };

  it('matches onnxruntime with initial weights', async () => {
    const model = buildVitalsNet({ steps, channels, seed: 31 });
    await expectParity(`vitals${steps}/init`, model, xShape, onnxInput, 500 + steps);
    model.dispose();
  });

  it('matches onnxruntime after two training steps', async () => {
    const model = buildVitalsNet({ steps, channels, seed: 32 });
    await trainTwoSteps(model, xShape, 600 + steps);
    await expectParity(`vitals${steps}/trained`, model, xShape, onnxInput, 700 + steps);
    model.dispose();
  });
});
