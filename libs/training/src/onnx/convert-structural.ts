import { applyActivation } from './apply-activation';
import { asChannelsFirst, asTfOrder, type ExportedValue } from './exported-value';
import { configString, unsupportedOption } from './layer-config';
import type { LayerConverter } from './layer-converter';
import { onnxAttr } from './onnx-attributes';

/** Dropout is the identity at inference: the value passes through, no node at all. */
export const identityConverter: LayerConverter = ({ inputs, outputTfShape }) => ({
  ...inputs[0],
  tfShape: outputTfShape,
});

/** A standalone Activation layer. Elementwise, so the tensor keeps whatever axis order it had. */
export const activationConverter: LayerConverter = ({ graph, layer, inputs, outputTfShape }) => ({
  name: applyActivation(graph, inputs[0].name, configString(layer, layer.getConfig(), 'activation'), layer.name),
  tfShape: outputTfShape,
  channelsFirst: inputs[0].channelsFirst,
});

/**
 * Flatten must produce features in tfjs's (channels-last) order or the next Dense's weights would be
 * applied to permuted features, so a channels-first tensor is transposed back first.
 */
export const flattenConverter: LayerConverter = ({ graph, layer, inputs, outputTfShape }) => {
  const x = asTfOrder(graph, inputs[0]);
  const name = graph.addNode('Flatten', [x.name], { name: layer.name, attributes: [onnxAttr.int('axis', 1)] });
  return { name, tfShape: outputTfShape, channelsFirst: false };
};

/**
 * Concatenate: if any input is channels-first (rank >= 3), all are brought to channels-first and the tfjs
 * axis is remapped (channel axis -> 1, spatial axis i -> i + 1); otherwise concatenate in tfjs order.
 */
export const concatenateConverter: LayerConverter = ({ graph, layer, inputs, outputTfShape }) => {
  const rank = outputTfShape.length;
  const rawAxis = layer.getConfig()['axis'] ?? -1;
  if (typeof rawAxis !== 'number') throw unsupportedOption(layer, `axis ${JSON.stringify(rawAxis)}`);
  const tfAxis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  const channelsFirst = rank >= 3 && inputs.some((v) => v.channelsFirst);
  const aligned: ExportedValue[] = inputs.map((v) => (channelsFirst ? asChannelsFirst(graph, v) : asTfOrder(graph, v)));
  const axis = !channelsFirst || tfAxis === 0 ? tfAxis : tfAxis === rank - 1 ? 1 : tfAxis + 1;
  const name = graph.addNode(
    'Concat',
    aligned.map((v) => v.name),
    { name: layer.name, attributes: [onnxAttr.int('axis', axis)] },
  );
  return { name, tfShape: outputTfShape, channelsFirst };
};
