import type { DescMessage } from '@bufbuild/protobuf';
import { TextOverLimit } from '../../domain/code-points';
import { LIMITS } from '../../domain/limits';
import type { RequestLayout } from './wire-types';

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
 * content starts at in its bytes (from the walk that names its string fields,
 * wire-types.ts): the string decoder is handed those bytes and knows them by
 * their offset. Undefined when the message has none.
 */
export function boundedFieldsAt(descriptor: DescMessage | undefined, layout: RequestLayout | undefined): Map<number, BoundedField> | undefined {
  const bounds = descriptor && BOUNDED_FIELDS[descriptor.typeName];
  if (!bounds || !layout) return undefined;
  const at = new Map<number, BoundedField>();
  const lastOf = new Map<string, BoundedField>();
  // The layout lists string fields in the order of their bytes.
  for (const [offset, path] of layout.stringFields) {
    if (!Object.hasOwn(bounds, path)) continue;
    const occurrence = { name: path, max: bounds[path], last: true };
    const previous = lastOf.get(path);
    if (previous) previous.last = false;
    lastOf.set(path, occurrence);
    at.set(offset, occurrence);
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
