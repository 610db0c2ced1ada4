import { asChannelsFirst } from './exported-value';
import { configString, unsupportedOption } from './layer-config';
import type { LayerConverter } from './layer-converter';
import { onnxAttr } from './onnx-attributes';

/**
 * GlobalAverage/MaxPooling1D/2D -> GlobalAveragePool / GlobalMaxPool on channels-first data, which keeps
 * singleton spatial axes ([N, C, 1, 1]); Flatten(axis=1) then gives tfjs's [N, C].
 */
export function globalPoolingConverter(op: 'GlobalAveragePool' | 'GlobalMaxPool'): LayerConverter {
  return ({ graph, layer, inputs, outputTfShape }) => {
    if (configString(layer, layer.getConfig(), 'dataFormat', 'channelsLast') !== 'channelsLast') {
      throw unsupportedOption(layer, 'dataFormat channelsFirst');
    }
    const x = asChannelsFirst(graph, inputs[0]);
    const pooled = graph.addNode(op, [x.name], { name: layer.name });
    const flat = graph.addNode('Flatten', [pooled], {
      name: `${layer.name}_flatten`,
      attributes: [onnxAttr.int('axis', 1)],
    });
    return { name: flat, tfShape: outputTfShape, channelsFirst: false };
  };
}
