import * as tf from '@tensorflow/tfjs';
import { attentionFusionForward } from './attention-fusion-forward';
import { attentionParamsFromJson, attentionParamsToJson } from './attention-fusion-json';
import {
  attentionFusionVariables,
  createAttentionFusionParams,
  disposeAttentionFusionParams,
  type AttentionFusionParams,
} from './attention-fusion-params';
import { mulberry32, useQuietCpuBackend } from '../onnx/testing/onnx-parity';

beforeAll(useQuietCpuBackend);

function run(params: AttentionFusionParams, logits: number[][], mask: number[][]) {
  return tf.tidy(() => {
    const out = attentionFusionForward(params, tf.tensor2d(logits), tf.tensor2d(mask));
    return { fused: out.fusedLogit.arraySync(), weights: out.weights.arraySync() };
  });
}

function paramsWith(overrides: { gamma: number[]; delta: number[]; bias: number }): AttentionFusionParams {
  const base = createAttentionFusionParams(3, 4, 9);
  const json = attentionParamsToJson(base);
  disposeAttentionFusionParams(base);
  return attentionParamsFromJson({ ...json, ...overrides });
}

describe('attentionFusionForward', () => {
  let params: AttentionFusionParams;
  beforeAll(() => {
    params = paramsWith({ gamma: [0.8, 1.2, 1.5], delta: [0.1, -0.2, 0.3], bias: -1.5 });
  });
  afterAll(() => disposeAttentionFusionParams(params));

  it('weights are a distribution over present modalities only', () => {
    const { weights } = run(params, [[1, -2, 3], [1, 5, -1]], [[1, 1, 1], [1, 0, 1]]);
    weights.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6));
    expect(weights[1][1]).toBe(0);
  });

  it('a single present modality gets all the weight: fused = bias + gamma z + delta', () => {
    const { fused, weights } = run(params, [[9, 2.5, -4]], [[0, 1, 0]]);
    expect(weights[0]).toEqual([0, 1, 0]);
    expect(fused[0][0]).toBeCloseTo(-1.5 + 1.2 * 2.5 - 0.2, 5);
  });

  it('no modality present: uniform weights, fused = bias, absent logits ignored', () => {
    const { fused, weights } = run(params, [[7, -3, 2]], [[0, 0, 0]]);
    weights[0].forEach((w) => expect(w).toBeCloseTo(1 / 3, 7));
    expect(fused[0][0]).toBeCloseTo(-1.5, 6);
  });

  it('rejects logits/mask that do not match the module', () => {
    expect(() => run(params, [[1, 2]], [[1, 1]])).toThrow(/expected \[N, 3\]/);
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    run(params, [[1, 2, 3]], [[1, 0, 1]]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('attention parameters', () => {
  it('are reproducible from the seed and start neutral (gamma 1, delta 0, bias 0)', () => {
    const a = createAttentionFusionParams(4, 3, 5);
    const b = createAttentionFusionParams(4, 3, 5);
    const ja = attentionParamsToJson(a);
    expect(attentionParamsToJson(b)).toEqual(ja);
    expect(ja.gamma).toEqual([1, 1, 1, 1]);
    expect(ja.delta).toEqual([0, 0, 0, 0]);
    expect(ja.bias).toBe(0);
    expect(attentionFusionVariables(a)).toHaveLength(5);
    disposeAttentionFusionParams(a);
    disposeAttentionFusionParams(b);
  });

  it('round-trip through JSON unchanged', () => {
    const params = createAttentionFusionParams(3, 2, 1);
    const json = JSON.parse(JSON.stringify(attentionParamsToJson(params)));
    const reloaded = attentionParamsFromJson(json);
    expect(attentionParamsToJson(reloaded)).toEqual(json);
    disposeAttentionFusionParams(params);
    disposeAttentionFusionParams(reloaded);
  });

  it('refuse malformed JSON', () => {
    const params = createAttentionFusionParams(2, 2, 1);
    const json = attentionParamsToJson(params);
    disposeAttentionFusionParams(params);
    expect(() => attentionParamsFromJson({ ...json, kind: 'stacking' })).toThrow(/kind/);
    expect(() => attentionParamsFromJson({ ...json, W: json.W.slice(0, 1) })).toThrow(/2 rows/);
    expect(() => attentionParamsFromJson({ ...json, q: [[1], [2]] })).toThrow(/q\[0\]/);
    expect(() => attentionParamsFromJson({ ...json, gamma: [1, NaN] })).toThrow(/gamma/);
  });

  it('are fitted by a custom Adam loop (gradients reach W, q, gamma, delta and bias)', () => {
    // Outcome driven by modality 0's logit; modality 1 is noise. Presence pattern random.
    const rand = mulberry32(3);
    const n = 128;
    const logits: number[][] = [];
    const mask: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const signal = rand() * 6 - 3;
      logits.push([signal, rand() * 6 - 3]);
      mask.push([rand() < 0.8 ? 1 : 0, rand() < 0.8 ? 1 : 0]);
      labels.push(rand() < 1 / (1 + Math.exp(-2 * signal)) ? 1 : 0);
    }
    const params = createAttentionFusionParams(2, 4, 11);
    const before = attentionParamsToJson(params);
    const x = tf.tensor2d(logits);
    const m = tf.tensor2d(mask);
    const y = tf.tensor2d(labels, [n, 1]);
    const loss = () => tf.losses.sigmoidCrossEntropy(y, attentionFusionForward(params, x, m).fusedLogit) as tf.Scalar;
    const initial = tf.tidy(() => loss().dataSync()[0]);
    const optimizer = tf.train.adam(0.05);
    for (let step = 0; step < 40; step++) optimizer.minimize(loss, false, attentionFusionVariables(params));
    const final = tf.tidy(() => loss().dataSync()[0]);
    const after = attentionParamsToJson(params);
    expect(final).toBeLessThan(initial - 0.05);
    expect(after.gamma[0]).toBeGreaterThan(before.gamma[0]);
    expect(after.q).not.toEqual(before.q);
    expect(after.W).not.toEqual(before.W);
    expect(after.delta).not.toEqual(before.delta);
    expect(after.bias).not.toBe(before.bias);
    tf.dispose([x, m, y]);
    optimizer.dispose();
    disposeAttentionFusionParams(params);
  });
});
