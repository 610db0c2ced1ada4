// Jest's node environment runs tests in a vm context with its own typed-array constructors, while
// onnxruntime-node's native binding creates tensors with the outer realm's: `instanceof Float32Array`
// checks then fail ("A float32 tensor's data must be type of Float32Array", microsoft/onnxruntime#16622).
// Sharing the outer realm's typed arrays and ArrayBuffer makes both sides agree.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class NodeEnvironmentWithSharedTypedArrays extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = NodeEnvironmentWithSharedTypedArrays;
