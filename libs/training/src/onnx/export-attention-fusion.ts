import { attentionParamsToJson, type AttentionFusionJson } from '../nets/attention-fusion-json';
import { ABSENT_SCORE_PENALTY } from '../nets/attention-fusion-forward';
import type { AttentionFusionParams } from '../nets/attention-fusion-params';
import { encodeOnnxModel, type OnnxModelMeta } from './encode-onnx-model';
import { onnxAttr } from './onnx-attributes';
import { OnnxGraphBuilder } from './onnx-graph-builder';
import { floatTensor } from './onnx-tensor';

export const ATTENTION_INPUTS = { logits: 'calibrated_logits', mask: 'mask' } as const;
export const ATTENTION_OUTPUTS = { fusedLogit: 'fused_logit', weights: 'weights' } as const;

/**
 * Exports the attention fusion module (see attentionFusionForward, whose op sequence this mirrors one to
 * one so parity is float-rounding tight) with inputs calibrated_logits [N, M], mask [N, M] and outputs
 * fused_logit [N, 1], weights [N, M]. Accepts live params or their JSON form (e.g. reloaded from disk).
 */
export function exportAttentionFusionToOnnx(
  params: AttentionFusionParams | AttentionFusionJson,
  meta: OnnxModelMeta = {},
): Uint8Array {
  const p = 'kind' in params ? params : attentionParamsToJson(params);
  const M = p.numModalities;
  const H = p.hidden;
  const g = new OnnxGraphBuilder();
  const logits = g.addInput(ATTENTION_INPUTS.logits, ['N', M]);
  const mask = g.addInput(ATTENTION_INPUTS.mask, ['N', M]);

  const W = g.addFloatInitializer('W', [M, 3, H], p.W.flat(2));
  const q = g.addFloatInitializer('q', [M, H], p.q.flat());
  const gamma = g.addFloatInitializer('gamma', [M], p.gamma);
  const delta = g.addFloatInitializer('delta', [M], p.delta);
  const bias = g.addFloatInitializer('bias', [1], [p.bias]);
  const one = g.addFloatInitializer('one', [], [1]);
  const penalty = g.addFloatInitializer('absent_penalty', [], [ABSENT_SCORE_PENALTY]);
  const axis1 = g.addInt64Initializer('axes_1', [1]);
  const axis2 = g.addInt64Initializer('axes_2', [2]);
  const axis3 = g.addInt64Initializer('axes_3', [3]);
  const sumOver = (x: string, axes: string, keepdims: 0 | 1, name: string): string =>
    g.addNode('ReduceSum', [x, axes], { name, attributes: [onnxAttr.int('keepdims', keepdims)] });

  // z = logits * mask; features (z, |z|, 1) stacked on a new last axis -> [N, M, 3]
  const z = g.addNode('Mul', [logits, mask], { name: 'z' });
  const zCol = g.addNode('Unsqueeze', [z, axis2], { name: 'z_col' });
  const absCol = g.addNode('Unsqueeze', [g.addNode('Abs', [z], { name: 'abs_z' }), axis2], { name: 'abs_z_col' });
  const onesCol = g.addNode('ConstantOfShape', [g.addNode('Shape', [zCol], { name: 'z_col_shape' })], {
    name: 'ones_col',
    attributes: [onnxAttr.tensor('value', floatTensor('one_value', [1], [1]))],
  });
  const features = g.addNode('Concat', [zCol, absCol, onesCol], {
    name: 'features',
    attributes: [onnxAttr.int('axis', 2)],
  });
  // hidden = tanh(sum_k F[n,m,k] W[m,k,h]): [N,M,3,1] * [M,3,H] -> [N,M,3,H] -> sum over k
  const product = g.addNode('Mul', [g.addNode('Unsqueeze', [features, axis3], { name: 'features_4d' }), W], {
    name: 'features_times_W',
  });
  const hidden = g.addNode('Tanh', [sumOver(product, axis2, 0, 'hidden_pre')], { name: 'hidden' });
  // score = mask * sum_h hidden q + (mask - 1) * 1e4, softmax over modalities
  const attention = sumOver(g.addNode('Mul', [hidden, q], { name: 'hidden_times_q' }), axis2, 0, 'attention');
  const absent = g.addNode('Mul', [g.addNode('Sub', [mask, one], { name: 'mask_minus_one' }), penalty], {
    name: 'absent_term',
  });
  const score = g.addNode('Add', [g.addNode('Mul', [attention, mask], { name: 'masked_attention' }), absent], {
    name: 'score',
  });
  g.addNode('Softmax', [score], {
    name: 'softmax',
    attributes: [onnxAttr.int('axis', 1)],
    outputs: [ATTENTION_OUTPUTS.weights],
  });
  // fused = (sum_m weights gamma z + sum_m delta mask) + bias
  const weighted = g.addNode('Mul', [g.addNode('Mul', [ATTENTION_OUTPUTS.weights, gamma], { name: 'wg' }), z], {
    name: 'wgz',
  });
  const attended = sumOver(weighted, axis1, 1, 'attended');
  const presence = sumOver(g.addNode('Mul', [mask, delta], { name: 'mask_delta' }), axis1, 1, 'presence');
  g.addNode('Add', [g.addNode('Add', [attended, presence], { name: 'attended_plus_presence' }), bias], {
    name: 'fused',
    outputs: [ATTENTION_OUTPUTS.fusedLogit],
  });

  g.addOutput(ATTENTION_OUTPUTS.fusedLogit, ['N', 1]);
  g.addOutput(ATTENTION_OUTPUTS.weights, ['N', M]);
  return encodeOnnxModel(g.build('attention_fusion', meta.docString), meta);
}
