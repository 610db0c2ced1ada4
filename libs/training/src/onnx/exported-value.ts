import { onnxAttr } from './onnx-attributes';
import type { OnnxGraphBuilder } from './onnx-graph-builder';

/**
 * A tfjs symbolic tensor as it exists in the ONNX graph. tfjs is channels-last (NHWC / NTC) while ONNX
 * Conv and pooling ops are channels-first (NCHW / NCT), so each value records which order its ONNX tensor
 * is in; converters ask for the order they need and a Transpose is inserted only when it differs.
 */
export interface ExportedValue {
  /** ONNX value name. */
  name: string;
  /** The tfjs (channels-last) shape, batch first; null = unknown size. */
  tfShape: ReadonlyArray<number | null>;
  /** True when the ONNX tensor holds the tfjs tensor with its last (channel) axis moved to position 1. */
  channelsFirst: boolean;
}

/** Permutation moving the last axis to position 1: NHWC -> NCHW, NTC -> NCT. */
export function toChannelsFirstPerm(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

/** Permutation moving axis 1 to the end: NCHW -> NHWC, NCT -> NTC. */
export function toChannelsLastPerm(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

/** The value in channels-first order (rank >= 3); rank <= 2 tensors have no channel axis to move. */
export function asChannelsFirst(graph: OnnxGraphBuilder, value: ExportedValue): ExportedValue {
  const rank = value.tfShape.length;
  if (value.channelsFirst || rank < 3) return value;
  const name = graph.addNode('Transpose', [value.name], {
    name: `${value.name}_to_channels_first`,
    attributes: [onnxAttr.ints('perm', toChannelsFirstPerm(rank))],
  });
  return { ...value, name, channelsFirst: true };
}

/** The value in tfjs (channels-last) order, e.g. before Flatten so features come out in tfjs order. */
export function asTfOrder(graph: OnnxGraphBuilder, value: ExportedValue): ExportedValue {
  if (!value.channelsFirst) return value;
  const name = graph.addNode('Transpose', [value.name], {
    name: `${value.name}_to_channels_last`,
    attributes: [onnxAttr.ints('perm', toChannelsLastPerm(value.tfShape.length))],
  });
  return { ...value, name, channelsFirst: false };
}
