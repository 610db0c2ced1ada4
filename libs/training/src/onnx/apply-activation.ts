import type { OnnxGraphBuilder } from './onnx-graph-builder';

/** tfjs activation identifier -> ONNX op with the same definition (ONNX Elu default alpha = 1 = tfjs). */
const ACTIVATION_OPS: Record<string, string> = {
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  elu: 'Elu',
  softplus: 'Softplus',
};

/**
 * Appends the activation after `input` and returns the resulting value name. 'linear' adds nothing
 * (the nets end in a raw logit). Anything else throws with the layer name.
 */
export function applyActivation(
  graph: OnnxGraphBuilder,
  input: string,
  activation: string,
  layerName: string,
): string {
  if (activation === 'linear') return input;
  const op = ACTIVATION_OPS[activation];
  if (!op) {
    throw new Error(
      `ONNX export: activation "${activation}" of layer "${layerName}" is not supported ` +
        `(supported: linear, ${Object.keys(ACTIVATION_OPS).join(', ')})`,
    );
  }
  return graph.addNode(op, [input], { name: `${layerName}_${activation}` });
}
