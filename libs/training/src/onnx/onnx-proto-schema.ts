import * as protobuf from 'protobufjs';

/*
 * The subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that the exporters
 * write, as a protobufjs reflection descriptor.
 *
 * Why reflection rather than a hand-written encoder: the field numbers below are the only thing that has
 * to match onnx.proto, and they stay declarative and reviewable side by side with the upstream file;
 * varints, int64s, length prefixes and float encoding are protobufjs's job. It also gives the tests a
 * decoder for free (round-trip ir_version / opset / initializers).
 *
 * Every message is marked `edition: 'proto2'` because onnx.proto is proto2: fields have explicit
 * presence, so an attribute `i: 0` (e.g. keepdims=0, axis=0) is written rather than dropped as a
 * proto3 default. Enums (AttributeType, DataType) are declared as int32: same varint on the wire.
 * `oneof`s are omitted: we only ever set one member, and the wire format has no oneof marker.
 * Field names are camelCase (protobufjs convention); only the ids travel on the wire.
 */
type FieldDescriptor = { type: string; id: number; rule?: 'repeated'; options?: { packed?: boolean } };
type MessageDescriptor = {
  edition: 'proto2';
  fields: Record<string, FieldDescriptor>;
  nested?: Record<string, MessageDescriptor>;
};

const message = (
  fields: Record<string, FieldDescriptor>,
  nested?: Record<string, MessageDescriptor>,
): MessageDescriptor => (nested ? { edition: 'proto2', fields, nested } : { edition: 'proto2', fields });
const repeated = (type: string, id: number): FieldDescriptor => ({ type, id, rule: 'repeated' });

export const ONNX_PROTO_DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        ModelProto: message({
          irVersion: { type: 'int64', id: 1 },
          producerName: { type: 'string', id: 2 },
          producerVersion: { type: 'string', id: 3 },
          domain: { type: 'string', id: 4 },
          modelVersion: { type: 'int64', id: 5 },
          docString: { type: 'string', id: 6 },
          graph: { type: 'GraphProto', id: 7 },
          opsetImport: repeated('OperatorSetIdProto', 8),
          metadataProps: repeated('StringStringEntryProto', 14),
        }),
        OperatorSetIdProto: message({
          domain: { type: 'string', id: 1 },
          version: { type: 'int64', id: 2 },
        }),
        StringStringEntryProto: message({
          key: { type: 'string', id: 1 },
          value: { type: 'string', id: 2 },
        }),
        GraphProto: message({
          node: repeated('NodeProto', 1),
          name: { type: 'string', id: 2 },
          initializer: repeated('TensorProto', 5),
          docString: { type: 'string', id: 10 },
          input: repeated('ValueInfoProto', 11),
          output: repeated('ValueInfoProto', 12),
          valueInfo: repeated('ValueInfoProto', 13),
        }),
        NodeProto: message({
          input: repeated('string', 1),
          output: repeated('string', 2),
          name: { type: 'string', id: 3 },
          opType: { type: 'string', id: 4 },
          attribute: repeated('AttributeProto', 5),
          docString: { type: 'string', id: 6 },
          domain: { type: 'string', id: 7 },
        }),
        AttributeProto: message({
          name: { type: 'string', id: 1 },
          f: { type: 'float', id: 2 },
          i: { type: 'int64', id: 3 },
          s: { type: 'bytes', id: 4 },
          t: { type: 'TensorProto', id: 5 },
          floats: repeated('float', 7),
          ints: repeated('int64', 8),
          strings: repeated('bytes', 9),
          docString: { type: 'string', id: 13 },
          type: { type: 'int32', id: 20 },
        }),
        TensorProto: message({
          dims: repeated('int64', 1),
          dataType: { type: 'int32', id: 2 },
          name: { type: 'string', id: 8 },
          rawData: { type: 'bytes', id: 9 },
          docString: { type: 'string', id: 12 },
        }),
        ValueInfoProto: message({
          name: { type: 'string', id: 1 },
          type: { type: 'TypeProto', id: 2 },
          docString: { type: 'string', id: 3 },
        }),
        TypeProto: message(
          { tensorType: { type: 'Tensor', id: 1 }, denotation: { type: 'string', id: 6 } },
          { Tensor: message({ elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } }) },
        ),
        TensorShapeProto: message(
          { dim: repeated('Dimension', 1) },
          {
            Dimension: message({
              dimValue: { type: 'int64', id: 1 },
              dimParam: { type: 'string', id: 2 },
              denotation: { type: 'string', id: 3 },
            }),
          },
        ),
      },
    },
  },
};

/** Reflected `onnx.ModelProto`: `.encode(obj).finish()` to write, `.decode(bytes)` to read back. */
export const onnxModelProtoType: protobuf.Type = protobuf.Root.fromJSON(ONNX_PROTO_DESCRIPTOR).lookupType(
  'onnx.ModelProto',
);
