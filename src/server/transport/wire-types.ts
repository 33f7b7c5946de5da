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

/**
 * The dotted path (`user.email`) of the first known field sent with a wire
 * type its declared type cannot have (an email sent as a varint), or
 * undefined. ts-proto would skip such a field as unknown and read it as
 * empty; Go's runtime refuses the message. One pass over the bytes, no copies.
 */
export function wrongWireTypeField(message: DescMessage, bytes: Uint8Array): string | undefined {
  const reader = new BinaryReader(bytes);
  return walk(message, reader, bytes.length, '');
}

function walk(message: DescMessage, reader: BinaryReader, end: number, path: string): string | undefined {
  while (reader.pos < end) {
    const [number, wireType] = reader.tag();
    const field = message.fields.find((f) => f.number === number);
    if (field) {
      const here = `${path}${field.localName}`;
      if (!expectedWireTypes(field).includes(wireType)) return here;
      if (field.fieldKind === 'message' && wireType === WireType.LengthDelimited) {
        const length = reader.uint32();
        const nested = walk(field.message, reader, reader.pos + length, `${here}.`);
        if (nested) return nested;
        continue;
      }
    }
    reader.skip(wireType, number);
  }
  return undefined;
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
