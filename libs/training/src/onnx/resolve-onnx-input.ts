import { toChannelsFirstPerm } from './exported-value';
import type { OnnxDim } from './onnx-proto-types';

export type OnnxInputLayout = 'channels-first' | 'channels-last';

export interface ResolvedOnnxInput {
  dims: OnnxDim[];
  channelsFirst: boolean;
}

function compatible(onnx: readonly OnnxDim[], tf: ReadonlyArray<number | null>): boolean {
  return onnx.length === tf.length && onnx.every((d, i) => typeof d !== 'number' || tf[i] === null || d === tf[i]);
}

/**
 * Decides the ONNX input's dims and axis order from the tfjs input shape and the caller's wishes.
 * An ONNX input like [N, 1, S, S] for a tfjs [N, S, S, 1] model is channels-first (what preprocessing
 * emits; with one channel the bytes are identical), [N, T, C] for a tfjs [N, T, C] model is channels-last.
 * When the shape alone cannot tell (e.g. [N, 4, 4, 4]), `layout` must say.
 */
export function resolveOnnxInput(
  tfShape: ReadonlyArray<number | null>,
  inputShape?: readonly OnnxDim[],
  layout?: OnnxInputLayout,
): ResolvedOnnxInput {
  const rank = tfShape.length;
  const channelsFirstTf = rank >= 3 ? toChannelsFirstPerm(rank).map((p) => tfShape[p]) : [...tfShape];
  if (!inputShape) {
    const cf = layout === 'channels-first' && rank >= 3;
    const source = cf ? channelsFirstTf : tfShape;
    return { dims: source.map((d, i) => (i === 0 ? 'N' : (d ?? `d${i}`))), channelsFirst: cf };
  }
  const asIs = compatible(inputShape, tfShape);
  const asCf = rank >= 3 && compatible(inputShape, channelsFirstTf);
  const tfText = tfShape.map((d) => d ?? '?').join(', ');
  const describe = `ONNX inputShape [${inputShape.join(', ')}] vs tfjs input [${tfText}]`;
  if (layout === 'channels-last' && !asIs) throw new Error(`${describe}: not a channels-last match`);
  if (layout === 'channels-first' && !asCf) throw new Error(`${describe}: not a channels-first match`);
  if (layout) return { dims: [...inputShape], channelsFirst: layout === 'channels-first' && rank >= 3 };
  if (asIs && asCf) throw new Error(`${describe}: ambiguous axis order, pass inputLayout`);
  if (!asIs && !asCf) throw new Error(`${describe}: shapes do not match in either axis order`);
  return { dims: [...inputShape], channelsFirst: asCf };
}
