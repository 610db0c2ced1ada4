import { floatTensor, int64Tensor } from './onnx-tensor';
import {
  OnnxDataType,
  type OnnxAttributeProto,
  type OnnxDim,
  type OnnxGraphProto,
  type OnnxNodeProto,
  type OnnxTensorProto,
  type OnnxValueInfoProto,
} from './onnx-proto-types';

export interface AddNodeOptions {
  attributes?: OnnxAttributeProto[];
  /** Explicit output value names (graph outputs); otherwise a unique name is derived from the node name. */
  outputs?: string[];
  /** Base for the node name; made unique. Defaults to the op type. */
  name?: string;
}

function valueInfo(name: string, dims: readonly OnnxDim[]): OnnxValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: OnnxDataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * Accumulates a topologically ordered ONNX graph. Nodes must be added after their inputs exist, which the
 * exporters guarantee by construction; names are made unique here so converters never have to care.
 */
export class OnnxGraphBuilder {
  private readonly nodes: OnnxNodeProto[] = [];
  private readonly initializers: OnnxTensorProto[] = [];
  private readonly inputs: OnnxValueInfoProto[] = [];
  private readonly outputs: OnnxValueInfoProto[] = [];
  private readonly names = new Set<string>();

  /** Reserves a name; ONNX requires value names to be unique across the whole graph (SSA). */
  uniqueName(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./-]/g, '_') || 'v';
    let name = clean;
    for (let k = 1; this.names.has(name); k++) name = `${clean}_${k}`;
    this.names.add(name);
    return name;
  }

  addInput(name: string, dims: readonly OnnxDim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  /** Declares an existing value (already produced by a node) as a float32 graph output. */
  addOutput(name: string, dims: readonly OnnxDim[]): void {
    this.outputs.push(valueInfo(name, dims));
  }

  addFloatInitializer(base: string, dims: readonly number[], values: ArrayLike<number>): string {
    const name = this.uniqueName(base);
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  addInt64Initializer(base: string, values: readonly number[]): string {
    const name = this.uniqueName(base);
    this.initializers.push(int64Tensor(name, values));
    return name;
  }

  /** Adds a node and returns its first output's name. */
  addNode(opType: string, inputs: readonly string[], options: AddNodeOptions = {}): string {
    const name = this.uniqueName(options.name ?? opType);
    const output = options.outputs ?? [this.uniqueName(`${name}_out`)];
    if (options.outputs) options.outputs.forEach((o) => this.claim(o));
    this.nodes.push({ name, opType, input: [...inputs], output, attribute: options.attributes ?? [] });
    return output[0];
  }

  build(name: string, docString?: string): OnnxGraphProto {
    return {
      name,
      ...(docString ? { docString } : {}),
      node: [...this.nodes],
      initializer: [...this.initializers],
      input: [...this.inputs],
      output: [...this.outputs],
    };
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`ONNX value name "${name}" is already used in this graph`);
    this.names.add(name);
  }
}
