/** Begin/end padding along one spatial axis. */
export interface AxisPads {
  begin: number;
  end: number;
}

/**
 * TensorFlow's 'same' padding along one axis, reproduced exactly so the exported Conv sees the same
 * border: out = ceil(in / stride), total = max((out - 1) * stride + effectiveK - in, 0), the odd pixel
 * goes at the END (begin = floor(total / 2)). ONNX's explicit `pads` then need no auto_pad guesswork.
 */
export function tfSamePads(inSize: number, kernel: number, stride: number, dilation = 1): AxisPads {
  if (![inSize, kernel, stride, dilation].every((v) => Number.isInteger(v) && v > 0)) {
    throw new Error(`tfSamePads: expected positive integers, got in=${inSize} k=${kernel} s=${stride} d=${dilation}`);
  }
  const effectiveKernel = (kernel - 1) * dilation + 1;
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + effectiveKernel - inSize, 0);
  const begin = Math.floor(total / 2);
  return { begin, end: total - begin };
}
