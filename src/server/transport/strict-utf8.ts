import { BinaryReader } from '@bufbuild/protobuf/wire';
import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import type { TsProtoServiceDefinition } from 'nice-grpc/lib/service-definitions/ts-proto';
import type { DescMessage } from '@bufbuild/protobuf';
import { isUtf8 } from 'node:buffer';
import { TextOverLimit } from '../../domain/code-points';
import { trimmedUtf8Span } from './utf8-span';
import { boundedFieldsAt, markOverLimit, type BoundedField } from './bounded-text-fields';
import type { Rejection } from './rejected-requests';
import { requestDescriptor, requestLayout } from './wire-types';

/** Where a decoded request keeps the name of its first string field that was not valid UTF-8. */
const INVALID_UTF8 = Symbol('invalid UTF-8 field');
/** Where a decoded request keeps the name of its first field sent with a wire type its type cannot have. */
const WRONG_WIRE_TYPE = Symbol('field with a wrong wire type');

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * A copy of a ts-proto service definition whose request decoders notice
 * invalid UTF-8 in string fields. protobuf-es would replace it by U+FFFD, so
 * that `\xfe@x.io` and `\xff@x.io` became one email; the raw bytes are only
 * visible here, while decoding. The request is marked rather than refused on
 * the spot: grpc-js would answer a decoder's exception with a bare INTERNAL,
 * and refuseInvalidUtf8 says which field was wrong instead.
 */
export function withUtf8Check<Definition extends TsProtoServiceDefinition>(definition: Definition): Definition {
  const methods = Object.fromEntries(
    Object.entries(definition.methods).map(([name, method]) => {
      const descriptor = requestDescriptor(definition.fullName, method.name);
      const decode = (bytes: Uint8Array) => decodeChecked(method.requestType.decode as Decode, bytes, descriptor);
      return [name, { ...method, requestType: { ...method.requestType, decode } }];
    }),
  );
  return { ...definition, methods } as Definition;
}

// ts-proto's decoders take a BinaryReader as well as bytes.
type Decode = (input: BinaryReader | Uint8Array) => unknown;

function decodeChecked(decode: Decode, bytes: Uint8Array, descriptor: DescMessage | undefined): unknown {
  // Before decoding: the string decoder names a field by where its bytes start. Throws on bytes that are not protobuf.
  const layout = descriptor && requestLayout(descriptor, bytes);
  // The fields that were not valid UTF-8, named as in the .proto, in the order met.
  const invalid: string[] = [];
  const bounded = boundedFieldsAt(descriptor, layout);
  const overLimit = new Map<string, TextOverLimit>();
  const message = decode(
    new BinaryReader(bytes, (text) => {
      const offset = text.byteOffset - bytes.byteOffset;
      const field = bounded?.get(offset);
      // Up to 4 bytes a code point: a field this short is decoded as any other.
      if (field && text.length > 4 * field.max) return decodeBounded(text, field, invalid, overLimit);
      try {
        return strict.decode(text);
      } catch {
        // Every string field of a request is in its layout (maps, which no request has, would not be).
        invalid.push(layout?.stringFields.get(offset) ?? 'a string field');
        return lenient.decode(text);
      }
    }),
  );
  if (typeof message !== 'object' || message === null) return message;
  markOverLimit(message, overLimit);
  if (invalid.length > 0) (message as Record<symbol, string>)[INVALID_UTF8] = invalid[0];
  if (layout?.wrongWireType) (message as Record<symbol, string>)[WRONG_WIRE_TYPE] = layout.wrongWireType;
  return message;
}

/**
 * A bounded field longer than its limit could be: judged on its bytes, and
 * decoded only if its trimmed text is within the limit (that text, then, which
 * the domain trims to itself). Over the limit, or not UTF-8, it stays empty
 * and marked: no multi-MiB string is made.
 */
function decodeBounded(text: Uint8Array, field: BoundedField, invalid: string[], overLimit: Map<string, TextOverLimit>): string {
  if (!isUtf8(text)) {
    invalid.push(field.name);
    return '';
  }
  // An earlier occurrence is overwritten by the last: checked for UTF-8 (Go refuses it too), not kept.
  if (!field.last) return '';
  const span = trimmedUtf8Span(text, field.max);
  if (span.exceeds) {
    overLimit.set(field.name, new TextOverLimit(field.max));
    return '';
  }
  return strict.decode(text.subarray(span.start, span.end));
}

/** The field a request marked by withUtf8Check holds invalid UTF-8 in, if any. */
export function invalidUtf8Field(request: unknown): string | undefined {
  return typeof request === 'object' && request !== null ? (request as Record<symbol, string | undefined>)[INVALID_UTF8] : undefined;
}

/** Refuses, before any handler runs, a request marked by withUtf8Check, as Go's protobuf runtime does. */
export function refuseInvalidUtf8(onRejected: (rejection: Rejection) => void): ServerMiddleware {
  return async function* invalidUtf8(call, context) {
    const refusal = call.requestStream ? undefined : refusalOf(call.request as Record<symbol, string | undefined>);
    if (refusal) {
      onRejected({ ...refusal, method: call.method.path, grpcCode: 'INVALID_ARGUMENT' });
      throw new ServerError(Status.INVALID_ARGUMENT, refusal.details);
    }
    return yield* call.next(call.request, context);
  };
}

function refusalOf(request: Record<symbol, string | undefined>): { reason: 'invalid_utf8' | 'malformed'; details: string } | undefined {
  const field = invalidUtf8Field(request);
  if (field !== undefined) return { reason: 'invalid_utf8', details: `${field} is not valid UTF-8` };
  const wrongWireType = request[WRONG_WIRE_TYPE];
  return wrongWireType === undefined ? undefined : { reason: 'malformed', details: `${wrongWireType} was sent with the wrong wire type` };
}
