import { buildTabularNet } from '../nets';
import { createAttentionFusionParams, disposeAttentionFusionParams } from '../nets';
import { ONNX_IR_VERSION, ONNX_OPSET_VERSION, encodeOnnxModel } from './encode-onnx-model';
import { exportAttentionFusionToOnnx } from './export-attention-fusion';
import { exportLayersModelToOnnx } from './export-layers-model';
import { OnnxGraphBuilder } from './onnx-graph-builder';
import { onnxModelProtoType } from './onnx-proto-schema';
import { floatTensor, int64Tensor } from './onnx-tensor';
import { sha256Hex } from './sha256-hex';
import { useQuietCpuBackend } from './testing/onnx-parity';

beforeAll(useQuietCpuBackend);

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded protobuf messages are untyped by nature */
function decode(bytes: Uint8Array): any {
  return onnxModelProtoType.toObject(onnxModelProtoType.decode(bytes), { longs: Number, defaults: false });
}

describe('ONNX ModelProto encoding', () => {
  it('writes ir_version 8, opset 17, producer, doc string and a typed graph signature', () => {
    const model = buildTabularNet({ features: 4, seed: 1, dropout: 0.5 });
    const bytes = exportLayersModelToOnnx(model, { inputName: 'tabular', docString: 'tabular risk model' });
    const decoded = decode(bytes);
    expect(decoded.irVersion).toBe(ONNX_IR_VERSION);
    expect(ONNX_IR_VERSION).toBe(8);
    expect(decoded.opsetImport).toEqual([{ domain: '', version: ONNX_OPSET_VERSION }]);
    expect(ONNX_OPSET_VERSION).toBe(17);
    expect(decoded.producerName).toBe('late-fusion-training');
    expect(decoded.docString).toBe('tabular risk model');
    const graph = decoded.graph;
    expect(graph.input).toEqual([
      { name: 'tabular', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 4 }] } } } },
    ]);
    expect(graph.output).toEqual([
      { name: 'logit', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } } },
    ]);
    // Dropout leaves no trace: Dense -> Relu -> Dense -> Identity(logit).
    expect(graph.node.map((n: any) => n.opType)).toEqual(['Gemm', 'Relu', 'Gemm', 'Identity']);
    for (const init of graph.initializer) {
      expect(init.dataType).toBe(1);
      expect(init.rawData.length).toBe(4 * init.dims.reduce((a: number, b: number) => a * b, 1));
    }
    model.dispose();
  });

  it('writes zero-valued int attributes (proto2 presence), e.g. ReduceSum keepdims=0', () => {
    const params = createAttentionFusionParams(2, 3, 0);
    const decoded = decode(exportAttentionFusionToOnnx(params));
    const reduce = decoded.graph.node.find((n: any) => n.opType === 'ReduceSum');
    const keepdims = reduce.attribute.find((a: any) => a.name === 'keepdims');
    expect(keepdims).toEqual({ name: 'keepdims', type: 2, i: 0 });
    disposeAttentionFusionParams(params);
  });

  it('is deterministic: same weights, same bytes, same sha256', () => {
    const a = buildTabularNet({ features: 3, seed: 5 });
    const b = buildTabularNet({ features: 3, seed: 5 });
    expect(sha256Hex(exportLayersModelToOnnx(a))).toBe(sha256Hex(exportLayersModelToOnnx(b)));
    a.dispose();
    b.dispose();
  });

  it('stores metadata_props sorted by key', () => {
    const g = new OnnxGraphBuilder();
    g.addInput('x', ['N', 2]);
    g.addNode('Identity', ['x'], { outputs: ['y'] });
    g.addOutput('y', ['N', 2]);
    const decoded = decode(encodeOnnxModel(g.build('g'), { metadata: { b: '2', a: '1' } }));
    expect(decoded.metadataProps).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
  });

  it('returns a plain Uint8Array, not a pooled Buffer', () => {
    const g = new OnnxGraphBuilder();
    g.addInput('x', [1]);
    g.addNode('Identity', ['x'], { outputs: ['y'] });
    g.addOutput('y', [1]);
    const bytes = encodeOnnxModel(g.build('g'));
    expect(Buffer.isBuffer(bytes)).toBe(false);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
  });
});

describe('tensor protos and helpers', () => {
  it('stores float32 and int64 little-endian in raw_data', () => {
    expect(Array.from(floatTensor('f', [2], [1, -2]).rawData)).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    expect(Array.from(int64Tensor('i', [-1]).rawData)).toEqual([255, 255, 255, 255, 255, 255, 255, 255]);
    expect(Array.from(int64Tensor('i', [2]).rawData)).toEqual([2, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('refuses non-finite weights and mismatched sizes', () => {
    expect(() => floatTensor('w', [2], [1, NaN])).toThrow(/non-finite value at index 1/);
    expect(() => floatTensor('w', [2, 2], [1, 2, 3])).toThrow(/do not fill/);
  });

  it('rejects duplicate graph value names', () => {
    const g = new OnnxGraphBuilder();
    g.addInput('x', [1]);
    expect(() => g.addInput('x', [1])).toThrow(/already used/);
  });

  it('sha256Hex matches the FIPS 180-2 "abc" vector', () => {
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
