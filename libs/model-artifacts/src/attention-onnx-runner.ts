import * as ort from 'onnxruntime-node';
import type { AttentionRunner } from '@lf/fusion';

/** The attention strategy's runner backed by the exported ONNX module, one case per call (a run is microseconds). */
export function attentionOnnxRunner(session: ort.InferenceSession): AttentionRunner {
  return async ({ calibratedLogits, mask }) => {
    const m = mask.length;
    const out = await session.run({
      calibrated_logits: new ort.Tensor('float32', calibratedLogits, [1, m]),
      mask: new ort.Tensor('float32', mask, [1, m]),
    });
    return { fusedLogit: (out['fused_logit'].data as Float32Array)[0], weights: Array.from(out['weights'].data as Float32Array) };
  };
}
