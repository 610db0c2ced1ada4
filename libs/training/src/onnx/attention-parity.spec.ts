import * as tf from '@tensorflow/tfjs';
import {
  attentionFusionForward,
  attentionFusionVariables,
  attentionParamsFromJson,
  attentionParamsToJson,
  createAttentionFusionParams,
  disposeAttentionFusionParams,
  type AttentionFusionParams,
} from '../nets';
import { exportAttentionFusionToOnnx } from './export-attention-fusion';
import { maxAbsDiff, mulberry32, runOnnx, seededNormal, useQuietCpuBackend } from './testing/onnx-parity';

jest.setTimeout(30_000);
const TOLERANCE = 1e-4;
const M = 3;
const measured: Record<string, number> = {};

beforeAll(useQuietCpuBackend);

afterAll(() => {
  if (process.env['PARITY_REPORT']) process.stdout.write(`attention parity max |diff|: ${JSON.stringify(measured)}\n`);
});

/**
 * 24 rows: the 8 possible presence patterns of 3 modalities (including all-absent and each single one)
 * then 16 random ones. Absent entries carry a nonzero logit to prove the mask, not the caller, zeroes them.
 */
function fixture(seed: number): { logits: Float32Array; mask: Float32Array; n: number } {
  const rand = mulberry32(seed);
  const patterns = Array.from({ length: 8 }, (_, p) => [p & 1, (p >> 1) & 1, (p >> 2) & 1]);
  for (let i = 0; i < 16; i++) patterns.push([0, 1, 2].map(() => (rand() < 0.6 ? 1 : 0)));
  const n = patterns.length;
  return { logits: seededNormal([n, M], seed, 2), mask: Float32Array.from(patterns.flat()), n };
}

/** Random values for every parameter (gamma/delta/bias too), via the JSON path. */
function randomParams(seed: number): AttentionFusionParams {
  const json = attentionParamsToJson(createAttentionFusionParams(M, 4, seed));
  const rand = mulberry32(seed);
  return attentionParamsFromJson({
    ...json,
    gamma: json.gamma.map(() => 0.5 + rand()),
    delta: json.delta.map(() => rand() - 0.5),
    bias: -1.7,
  });
}

async function expectParity(label: string, params: AttentionFusionParams, seed: number): Promise<void> {
  const { logits, mask, n } = fixture(seed);
  const [fused, weights] = tf.tidy(() => {
    const out = attentionFusionForward(params, tf.tensor2d(logits, [n, M]), tf.tensor2d(mask, [n, M]));
    return [out.fusedLogit.dataSync(), out.weights.dataSync()];
  });
  const out = await runOnnx(exportAttentionFusionToOnnx(params), {
    calibrated_logits: { data: logits, dims: [n, M] },
    mask: { data: mask, dims: [n, M] },
  });
  expect(out['fused_logit']).toHaveLength(n);
  expect(out['weights']).toHaveLength(n * M);
  measured[`${label}/fused`] = maxAbsDiff(fused, out['fused_logit']);
  measured[`${label}/weights`] = maxAbsDiff(weights, out['weights']);
  expect(measured[`${label}/fused`]).toBeLessThanOrEqual(TOLERANCE);
  expect(measured[`${label}/weights`]).toBeLessThanOrEqual(TOLERANCE);

  // Row 0 has no modality: ONNX must give uniform weights and fused = bias, like tfjs.
  const bias = (params.bias.dataSync() as Float32Array)[0];
  expect(out['fused_logit'][0]).toBeCloseTo(bias, 6);
  Array.from(out['weights'].slice(0, M)).forEach((w) => expect(w).toBeCloseTo(1 / M, 6));
  // Rows 1, 2, 4 have a single modality: all weight on it.
  [1, 2, 4].forEach((row, k) => expect(out['weights'][row * M + k]).toBeCloseTo(1, 6));
}

describe('attention fusion ONNX parity', () => {
  it('matches onnxruntime with random parameters', async () => {
    const params = randomParams(41);
    await expectParity('random', params, 42);
    disposeAttentionFusionParams(params);
  });

  it('matches onnxruntime after two Adam steps', async () => {
    const params = randomParams(43);
    const { logits, mask, n } = fixture(44);
    const before = attentionParamsToJson(params);
    const optimizer = tf.train.adam(0.05);
    const x = tf.tensor2d(logits, [n, M]);
    const m = tf.tensor2d(mask, [n, M]);
    const rand = mulberry32(45);
    const y = tf.tensor2d(Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0)), [n, 1]);
    for (let step = 0; step < 2; step++) {
      optimizer
        .minimize(
          () => tf.losses.sigmoidCrossEntropy(y, attentionFusionForward(params, x, m).fusedLogit) as tf.Scalar,
          false,
          attentionFusionVariables(params),
        )
        ?.dispose();
    }
    tf.dispose([x, m, y]);
    optimizer.dispose();
    const after = attentionParamsToJson(params);
    expect(maxAbsDiff(before.W.flat(2), after.W.flat(2))).toBeGreaterThan(1e-3);
    expect(Math.abs(before.bias - after.bias)).toBeGreaterThan(1e-3);
    await expectParity('trained', params, 46);
    disposeAttentionFusionParams(params);
  });

  it('exports identical bytes from live params and from their JSON', () => {
    const params = randomParams(47);
    const fromParams = exportAttentionFusionToOnnx(params);
    const fromJson = exportAttentionFusionToOnnx(JSON.parse(JSON.stringify(attentionParamsToJson(params))));
    expect(Buffer.from(fromJson).equals(Buffer.from(fromParams))).toBe(true);
    disposeAttentionFusionParams(params);
  });
});
