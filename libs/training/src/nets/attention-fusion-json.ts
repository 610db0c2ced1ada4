import * as tf from '@tensorflow/tfjs';
import type { AttentionFusionParams } from './attention-fusion-params';

/**
 * Plain-JSON form of the attention parameters: committed next to the ONNX file so the trained values are
 * reviewable and reloadable without tfjs's weight format.
 */
export interface AttentionFusionJson {
  kind: 'attention-fusion';
  version: 1;
  numModalities: number;
  hidden: number;
  W: number[][][];
  q: number[][];
  gamma: number[];
  delta: number[];
  bias: number;
}

export function attentionParamsToJson(params: AttentionFusionParams): AttentionFusionJson {
  return {
    kind: 'attention-fusion',
    version: 1,
    numModalities: params.numModalities,
    hidden: params.hidden,
    W: params.W.arraySync() as number[][][],
    q: params.q.arraySync() as number[][],
    gamma: params.gamma.arraySync() as number[],
    delta: params.delta.arraySync() as number[],
    bias: (params.bias.arraySync() as number[])[0],
  };
}

function finiteArray(value: unknown, length: number, what: string): number[] {
  if (!Array.isArray(value) || value.length !== length || !value.every((v) => Number.isFinite(v))) {
    throw new Error(`attention-fusion JSON: ${what} must be ${length} finite numbers`);
  }
  return value as number[];
}

/** Validates shapes and finiteness (a hand-edited or truncated file must not load silently). */
export function attentionParamsFromJson(json: unknown): AttentionFusionParams {
  const j = json as Partial<AttentionFusionJson> | null;
  if (!j || j.kind !== 'attention-fusion' || j.version !== 1) {
    throw new Error('attention-fusion JSON: expected kind "attention-fusion", version 1');
  }
  const { numModalities: m, hidden: h } = j;
  if (!Number.isInteger(m) || !Number.isInteger(h) || (m as number) < 1 || (h as number) < 1) {
    throw new Error('attention-fusion JSON: numModalities and hidden must be positive integers');
  }
  const M = m as number;
  const H = h as number;
  if (!Array.isArray(j.W) || j.W.length !== M || !Array.isArray(j.q) || j.q.length !== M) {
    throw new Error(`attention-fusion JSON: W and q must have ${M} rows`);
  }
  const W = j.W.map((rows, i) => {
    if (!Array.isArray(rows) || rows.length !== 3) throw new Error(`attention-fusion JSON: W[${i}] must be 3 x ${H}`);
    return rows.map((row, k) => finiteArray(row, H, `W[${i}][${k}]`));
  });
  const q = j.q.map((row, i) => finiteArray(row, H, `q[${i}]`));
  const gamma = finiteArray(j.gamma, M, 'gamma');
  const delta = finiteArray(j.delta, M, 'delta');
  const bias = finiteArray([j.bias], 1, 'bias');
  const [Wv, qv, gammaV, deltaV, biasV] = tf.tidy(() => [
    tf.variable(tf.tensor3d(W, [M, 3, H])),
    tf.variable(tf.tensor2d(q, [M, H])),
    tf.variable(tf.tensor1d(gamma)),
    tf.variable(tf.tensor1d(delta)),
    tf.variable(tf.tensor1d(bias)),
  ]) as tf.Variable[];
  return { numModalities: M, hidden: H, W: Wv, q: qv, gamma: gammaV, delta: deltaV, bias: biasV };
}
