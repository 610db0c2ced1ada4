/**
 * A hand-encoded ONNX model for tests: logit = x . w + b, input `x` [N, D] float32, output `logit` [N, 1].
 * Fast, deterministic and exactly predictable, so a test can tell versions apart by their outputs.
 * (Hand-written protobuf: modality-worker may not depend on libs/training's exporter.)
 */
function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

const key = (field: number, wireType: number) => varint(field * 8 + wireType);
const int = (field: number, value: number) => [...key(field, 0), ...varint(value)];
const bytes = (field: number, payload: number[]) => [...key(field, 2), ...varint(payload.length), ...payload];
const str = (field: number, text: string) => bytes(field, [...Buffer.from(text, 'utf8')]);

function floats(values: number[]): number[] {
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return [...buf];
}

function tensor(name: string, dims: number[], values: number[]): number[] {
  return [...dims.flatMap((d) => int(1, d)), ...int(2, 1), ...str(8, name), ...bytes(9, floats(values))];
}

function valueInfo(name: string, dims: Array<number | string>): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  const tensorType = [...int(1, 1), ...bytes(2, shape)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

function node(op: string, inputs: string[], outputs: string[], name: string): number[] {
  return [...inputs.flatMap((i) => str(1, i)), ...outputs.flatMap((o) => str(2, o)), ...str(3, name), ...str(4, op)];
}

export function linearOnnxModel(weights: number[], bias: number): Uint8Array {
  const d = weights.length;
  const graph = [
    ...bytes(1, node('MatMul', ['x', 'w'], ['xw'], 'matmul')),
    ...bytes(1, node('Add', ['xw', 'b'], ['logit'], 'add')),
    ...str(2, 'linear'),
    ...bytes(5, tensor('w', [d, 1], weights)),
    ...bytes(5, tensor('b', [1], [bias])),
    ...bytes(11, valueInfo('x', ['N', d])),
    ...bytes(12, valueInfo('logit', ['N', 1])),
  ];
  const model = [...int(1, 8), ...str(2, 'modality-worker-tests'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...int(2, 17)])];
  return new Uint8Array(model);
}
