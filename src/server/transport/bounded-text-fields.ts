import type { DescMessage } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { TextOverLimit } from '../../domain/code-points';
import { LIMITS } from '../../domain/limits';

/**
 * Request string fields whose limit is judged on their UTF-8 bytes, by request
 * message: one over its limit is never decoded. A 4 MiB query of U+FDFA was
 * 2.8 MiB of JS string per call, kept until the next garbage collection.
 * (Top-level fields only: Create's user.email is nested, and decoded.)
 */
const BOUNDED_FIELDS: Record<string, Record<string, number>> = {
  'user.SearchNameReq': { query: LIMITS.nameQueryLength },
  'user.GetByEmailReq': { email: LIMITS.emailLength },
};

export interface BoundedField {
  /** The field's name, as in the .proto (`query`; the decoded request's name too, for these fields). */
  name: string;
  /** Most code points it may hold once trimmed. */
  max: number;
  /** The field's last occurrence in the message: protobuf keeps that one, the decoder overwrites the others. */
  last: boolean;
}

/** Where a decoded request keeps its bounded fields that were over their limit. */
const OVER_LIMIT = Symbol('string fields over their limit');

/**
 * The bounded string fields of a request's top level, by the offset their
 * content starts at in `bytes`: the string decoder is handed those bytes and
 * knows them by their offset. Undefined when the message has none, or when
 * the bytes do not parse (the decoder then says why).
 */
export function boundedFieldsAt(descriptor: DescMessage | undefined, bytes: Uint8Array): Map<number, BoundedField> | undefined {
  const bounds = descriptor && BOUNDED_FIELDS[descriptor.typeName];
  if (!bounds) return undefined;
  const byNumber = new Map(descriptor.fields.filter((f) => f.name in bounds).map((f) => [f.number, { name: f.name, max: bounds[f.name] }]));
  const at = new Map<number, BoundedField>();
  const lastOf = new Map<number, BoundedField>();
  const reader = new BinaryReader(bytes);
  try {
    while (reader.pos < reader.len) {
      const [number, wireType] = reader.tag();
      const field = byNumber.get(number);
      if (field && wireType === WireType.LengthDelimited) {
        const length = reader.uint32();
        const occurrence = { ...field, last: true };
        const previous = lastOf.get(number);
        if (previous) previous.last = false;
        lastOf.set(number, occurrence);
        at.set(reader.pos, occurrence);
        reader.pos += length;
      } else {
        reader.skip(wireType, number);
      }
    }
  } catch {
    return undefined;
  }
  return at;
}

/** Marks a decoded request's fields that were over their limit (and were left empty). */
export function markOverLimit(request: object, fields: Map<string, TextOverLimit>): void {
  if (fields.size > 0) (request as Record<symbol, Map<string, TextOverLimit>>)[OVER_LIMIT] = fields;
}

/** The field of a decoded request that was over its limit (and left empty), if it was. */
export function overLimit(request: object, name: string): TextOverLimit | undefined {
  return (request as Record<symbol, Map<string, TextOverLimit> | undefined>)[OVER_LIMIT]?.get(name);
}
