import { applyActivation } from './apply-activation';
import { asChannelsFirst } from './exported-value';
import { configString, configTuple, unsupportedOption } from './layer-config';
import { permuteData, readLayerWeights, type LayerConverter } from './layer-converter';
import { onnxAttr } from './onnx-attributes';
import { tfSamePads } from './tf-same-padding';

/**
 * Conv1D / Conv2D (channels-last in tfjs) -> ONNX Conv on channels-first data.
 * Kernel [k..., in, out] becomes [out, in, k...]; 'same' padding becomes explicit pads computed exactly as
 * TensorFlow does (extra pixel at the end), falling back to auto_pad SAME_UPPER (same rule) only when a
 * spatial size is unknown at export time.
 */
export function convConverter(spatialRank: 1 | 2): LayerConverter {
  return ({ graph, layer, inputs, outputTfShape }) => {
    const config = layer.getConfig();
    if (spatialRank === 2 && configString(layer, config, 'dataFormat', 'channelsLast') !== 'channelsLast') {
      throw unsupportedOption(layer, 'dataFormat channelsFirst');
    }
    const kernelShape = configTuple(layer, config, 'kernelSize', spatialRank);
    const strides = configTuple(layer, config, 'strides', spatialRank);
    const dilations = configTuple(layer, config, 'dilationRate', spatialRank);
    const padding = configString(layer, config, 'padding');
    const x = asChannelsFirst(graph, inputs[0]);

    const [kernel, bias] = readLayerWeights(layer);
    const perm = spatialRank === 2 ? [3, 2, 0, 1] : [2, 1, 0];
    const weight = graph.addFloatInitializer(
      `${layer.name}_W`,
      perm.map((p) => kernel.shape[p]),
      permuteData(kernel.data, kernel.shape, perm),
    );
    const nodeInputs = [x.name, weight];
    if (bias) nodeInputs.push(graph.addFloatInitializer(`${layer.name}_B`, bias.shape, bias.data));

    const attributes = [
      onnxAttr.ints('kernel_shape', kernelShape),
      onnxAttr.ints('strides', strides),
      onnxAttr.ints('dilations', dilations),
      onnxAttr.int('group', 1),
    ];
    const spatialIn = x.tfShape.slice(1, 1 + spatialRank);
    if (padding === 'valid') {
      attributes.push(onnxAttr.ints('pads', Array<number>(2 * spatialRank).fill(0)));
    } else if (padding === 'same' && spatialIn.every((s): s is number => typeof s === 'number')) {
      const axes = spatialIn.map((size, i) => tfSamePads(size, kernelShape[i], strides[i], dilations[i]));
      attributes.push(onnxAttr.ints('pads', [...axes.map((a) => a.begin), ...axes.map((a) => a.end)]));
    } else if (padding === 'same') {
      attributes.push(onnxAttr.string('auto_pad', 'SAME_UPPER'));
    } else {
      throw unsupportedOption(layer, `padding "${padding}"`);
    }

    const conv = graph.addNode('Conv', nodeInputs, { name: layer.name, attributes });
    const activation = configString(layer, config, 'activation', 'linear');
    const name = applyActivation(graph, conv, activation, layer.name);
    return { name, tfShape: outputTfShape, channelsFirst: true };
  };
}
