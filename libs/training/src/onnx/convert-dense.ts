import { applyActivation } from './apply-activation';
import { configString, unsupportedOption } from './layer-config';
import { readLayerWeights, type LayerConverter } from './layer-converter';

/**
 * Dense -> Gemm (kernel [in, units] is already Gemm's B layout; bias broadcasts as C), or MatMul without
 * bias. Only rank-2 inputs: tfjs Dense on [N, T, F] acts on the last axis, which Gemm cannot express.
 */
export const denseConverter: LayerConverter = ({ graph, layer, inputs, outputTfShape }) => {
  const x = inputs[0];
  if (x.tfShape.length !== 2) throw unsupportedOption(layer, `a rank-${x.tfShape.length} input (only [N, F])`);
  const config = layer.getConfig();
  const [kernel, bias] = readLayerWeights(layer);
  const weight = graph.addFloatInitializer(`${layer.name}_W`, kernel.shape, kernel.data);
  const nodeInputs = [x.name, weight];
  if (bias) nodeInputs.push(graph.addFloatInitializer(`${layer.name}_B`, bias.shape, bias.data));
  const product = graph.addNode(bias ? 'Gemm' : 'MatMul', nodeInputs, { name: layer.name });
  const activation = configString(layer, config, 'activation', 'linear');
  const name = applyActivation(graph, product, activation, layer.name);
  return { name, tfShape: outputTfShape, channelsFirst: false };
};
