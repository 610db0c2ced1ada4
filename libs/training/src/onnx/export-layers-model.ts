import type * as tf from '@tensorflow/tfjs';
import { encodeOnnxModel, type OnnxModelMeta } from './encode-onnx-model';
import { asTfOrder, type ExportedValue } from './exported-value';
import { LAYER_CONVERTERS } from './layer-converters';
import { OnnxGraphBuilder } from './onnx-graph-builder';
import type { OnnxDim } from './onnx-proto-types';
import { resolveOnnxInput, type OnnxInputLayout } from './resolve-onnx-input';

export interface LayersExportOptions extends OnnxModelMeta {
  /** ONNX input name. Default 'input'. */
  inputName?: string;
  /** ONNX output name. Default 'logit'. */
  outputName?: string;
  /**
   * ONNX input dims; strings are symbolic (dynamic), e.g. ['N', 1, 32, 32] for the imaging net.
   * Default: the tfjs shape with batch 'N' (channels-last).
   */
  inputShape?: readonly OnnxDim[];
  /** Only needed when inputShape cannot tell the axis order (e.g. [N, 4, 4, 4]). */
  inputLayout?: OnnxInputLayout;
  graphName?: string;
}

/**
 * Exports a single-input, single-output tfjs LayersModel (Sequential or functional) to ONNX bytes.
 * Walks the symbolic graph back from the output, so only layers that feed it are exported; each layer
 * class goes through LAYER_CONVERTERS, and an unsupported one throws naming its class and layer.
 */
export function exportLayersModelToOnnx(model: tf.LayersModel, options: LayersExportOptions = {}): Uint8Array {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(
      `ONNX export supports one input and one output; model "${model.name}" has ` +
        `${model.inputs.length} inputs and ${model.outputs.length} outputs`,
    );
  }
  const graph = new OnnxGraphBuilder();
  const [input] = model.inputs;
  const [output] = model.outputs;
  const resolved = resolveOnnxInput(input.shape, options.inputShape, options.inputLayout);
  const inputName = graph.addInput(options.inputName ?? 'input', resolved.dims);

  const exported = new Map<number, ExportedValue>([
    [input.id, { name: inputName, tfShape: input.shape, channelsFirst: resolved.channelsFirst }],
  ]);
  const visit = (tensor: tf.SymbolicTensor): ExportedValue => {
    const known = exported.get(tensor.id);
    if (known) return known;
    const layer = tensor.sourceLayer;
    const className = layer.getClassName();
    const converter = className === 'InputLayer' ? undefined : LAYER_CONVERTERS[className];
    if (!converter) {
      throw new Error(
        `ONNX export: unsupported layer class "${className}" (layer "${layer.name}"); ` +
          `supported: ${Object.keys(LAYER_CONVERTERS).join(', ')}`,
      );
    }
    const value = converter({ graph, layer, inputs: tensor.inputs.map(visit), outputTfShape: tensor.shape });
    exported.set(tensor.id, value);
    return value;
  };

  const result = asTfOrder(graph, visit(output));
  const outputName = options.outputName ?? 'logit';
  graph.addNode('Identity', [result.name], { name: 'output_identity', outputs: [outputName] });
  const batch = resolved.dims[0];
  const outputDims = output.shape.map((d, i): OnnxDim => (i === 0 ? batch : (d ?? `${outputName}_d${i}`)));
  graph.addOutput(outputName, outputDims);

  return encodeOnnxModel(graph.build(options.graphName ?? model.name, options.docString), options);
}
