import * as tf from '@tensorflow/tfjs';
import { tfSamePads } from './tf-same-padding';
import { useQuietCpuBackend } from './testing/onnx-parity';

beforeAll(useQuietCpuBackend);

describe('tfSamePads', () => {
  it.each([
    // [in, kernel, stride, dilation, begin, end]
    [32, 3, 2, 1, 0, 1], // even input, stride 2: the extra pixel goes at the end (TF convention)
    [33, 3, 2, 1, 1, 1],
    [24, 5, 1, 1, 2, 2],
    [16, 3, 2, 1, 0, 1],
    [4, 3, 1, 2, 2, 2], // dilation 2 -> effective kernel 5
    [10, 1, 3, 1, 0, 0], // stride larger than kernel: no padding needed
    [1, 3, 2, 1, 1, 1],
  ])('in=%i k=%i s=%i d=%i -> begin %i, end %i', (inSize, k, s, d, begin, end) => {
    expect(tfSamePads(inSize, k, s, d)).toEqual({ begin, end });
  });

  it('always yields ceil(in / stride) outputs with end - begin in {0, 1}', () => {
    for (let inSize = 1; inSize <= 40; inSize++)
      for (let k = 1; k <= 6; k++)
        for (let s = 1; s <= 4; s++)
          for (let d = 1; d <= 3; d++) {
            const { begin, end } = tfSamePads(inSize, k, s, d);
            const effective = (k - 1) * d + 1;
            const out = Math.floor((inSize + begin + end - effective) / s) + 1;
            expect(out).toBe(Math.ceil(inSize / s));
            expect(end - begin === 0 || end - begin === 1).toBe(true);
          }
  });

  it("reproduces tfjs's own 'same' convolution when used as explicit padding", () => {
    for (const [h, w, k, s] of [
      [32, 33, 3, 2],
      [9, 8, 5, 3],
      [7, 7, 4, 2],
    ]) {
      const [same, explicit] = tf.tidy(() => {
        const x = tf.randomNormal([1, h, w, 2], 0, 1, 'float32', h * w) as tf.Tensor4D;
        const f = tf.randomNormal([k, k, 2, 3], 0, 1, 'float32', k) as tf.Tensor4D;
        const ph = tfSamePads(h, k, s);
        const pw = tfSamePads(w, k, s);
        const pads: [[number, number], [number, number], [number, number], [number, number]] = [
          [0, 0],
          [ph.begin, ph.end],
          [pw.begin, pw.end],
          [0, 0],
        ];
        return [tf.conv2d(x, f, s, 'same').dataSync(), tf.conv2d(x, f, s, pads).dataSync()];
      });
      expect(Array.from(explicit)).toEqual(Array.from(same));
    }
  });

  it('rejects non-positive or fractional sizes', () => {
    expect(() => tfSamePads(0, 3, 1)).toThrow(/positive integers/);
    expect(() => tfSamePads(8, 3, 1.5)).toThrow(/positive integers/);
  });
});
