import { createFileRegistry, fromBinary, ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { descriptorSetBase64 } from '../../../gen/descriptor_set';

const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, Buffer.from(descriptorSetBase64, 'base64')));

/** A message of the embedded descriptor set, by its full name (`user.CreateReq`). */
export function messageDescriptor(name: string): DescMessage | undefined {
  return registry.getMessage(name);
}

/** The request message of `service`'s `method` (`user.UserService`, `Create`), from the embedded descriptor set. */
export function requestDescriptor(service: string, method: string): DescMessage | undefined {
  return registry.getService(service)?.methods.find((m) => m.name === method)?.input;
}

/** What one walk over a request's bytes tells, with fields named as in the .proto (`page_size`, `user.email`). */
export interface RequestLayout {
  /** The dotted path of each string field occurrence, by the offset its content starts at in the bytes. */
  stringFields: Map<number, string>;
  /**
   * The first known field sent with a wire type its declared type cannot have
   * (an email sent as a varint): ts-proto would skip it as unknown and read it
   * as empty; Go's runtime refuses the message.
   */
  wrongWireType?: string;
}

/**
 * Walks a request's bytes along its descriptor, nested messages included; one
 * pass, no copies. Throws on bytes that are not protobuf, as the decoder does.
 * The string decoder knows a field by the offset of its bytes only: this is
 * how a string that is not UTF-8 gets a name, even when a later occurrence of
 * its field overwrites it in the decoded message.
 */
export function requestLayout(message: DescMessage, bytes: Uint8Array): RequestLayout {
  const layout: RequestLayout = { stringFields: new Map() };
  walk(message, new BinaryReader(bytes), bytes.length, '', layout);
  return layout;
}

function walk(message: DescMessage, reader: BinaryReader, end: number, path: string, layout: RequestLayout): void {
  while (reader.pos < end) {
    const [number, wireType] = reader.tag();
    const field = message.fields.find((f) => f.number === number);
    if (field) {
      const here = `${path}${field.name}`;
      if (!expectedWireTypes(field).includes(wireType)) {
        layout.wrongWireType ??= here;
      } else if (wireType === WireType.LengthDelimited) {
        const length = reader.uint32();
        const start = reader.pos;
        const nested = messageOf(field);
        if (nested) {
          walk(nested, reader, start + length, `${here}.`, layout);
        } else {
          if (isString(field)) layout.stringFields.set(start, here);
          reader.pos = start + length;
        }
        if (reader.pos !== start + length) throw new Error(`invalid length of ${here}`);
        continue;
      }
    }
    reader.skip(wireType, number);
  }
}

/** The message type of a message field, or of each element of a repeated one. */
function messageOf(field: DescField): DescMessage | undefined {
  if (field.fieldKind === 'message') return field.message;
  return field.fieldKind === 'list' && field.listKind === 'message' ? field.message : undefined;
}

function isString(field: DescField): boolean {
  return (field.fieldKind === 'scalar' || (field.fieldKind === 'list' && field.listKind === 'scalar')) && field.scalar === ScalarType.STRING;
}

/** The wire types a field may arrive with. */
export function expectedWireTypes(field: DescField): WireType[] {
  switch (field.fieldKind) {
    case 'scalar':
      return [scalarWireType(field.scalar)];
    case 'enum':
      return [WireType.Varint];
    case 'list':
      // Repeated numbers come packed (one length-delimited run) or one by one.
      if (field.listKind === 'message') return [WireType.LengthDelimited];
      return [field.listKind === 'enum' ? WireType.Varint : scalarWireType(field.scalar), WireType.LengthDelimited];
    default:
      return [WireType.LengthDelimited];
  }
}

export function scalarWireType(scalar: ScalarType): WireType {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LengthDelimited;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WireType.Bit32;
    default:
      return WireType.Varint;
  }
}
