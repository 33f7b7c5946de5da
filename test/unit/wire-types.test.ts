import { ScalarType, type DescField } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import { SearchAgeReq } from '../../gen/user/user';
import { expectedWireTypes, messageDescriptor, requestDescriptor, requestLayout } from '../../src/server/transport/wire-types';

test('the request of a method comes from the embedded descriptor set; an unknown one is undefined', () => {
  expect(requestDescriptor('user.UserService', 'Create')?.typeName).toBe('user.CreateReq');
  expect(requestDescriptor('grpc.health.v1.Health', 'Check')?.typeName).toBe('grpc.health.v1.HealthCheckRequest');
  expect(requestDescriptor('user.UserService', 'Nope')).toBeUndefined();
  expect(requestDescriptor('nope.Service', 'Create')).toBeUndefined();
});

test('repeated messages and enums: a response with users and a status code walks clean, and a status code sent as a string is named', () => {
  const searchResp = messageDescriptor('user.SearchResp')!;
  // status (1) { code (1) = 0 }, users (2) { email (4) = "a" }
  expect(requestLayout(searchResp, Uint8Array.from([0x0a, 0x02, 0x08, 0x00, 0x12, 0x03, 0x22, 0x01, 0x61]))).toEqual({ stringFields: new Map([[8, 'users.email']]) });
  expect(requestLayout(searchResp, Uint8Array.from([0x0a, 0x03, 0x0a, 0x01, 0x61])).wrongWireType).toBe('status.code');
  expect(requestLayout(searchResp, Uint8Array.from([0x10, 0x01])).wrongWireType).toBe('users');
});

test('fields are named as in the .proto, nested ones by their path: page_size, ageRange.to_included, the first wrong one', () => {
  const searchAgeReq = messageDescriptor('user.SearchAgeReq')!;
  const bytes = SearchAgeReq.encode({ ageRange: { from: 1, toIncluded: 2 }, pageSize: 3, pageToken: 'tok' }).finish();
  expect(requestLayout(searchAgeReq, bytes)).toEqual({ stringFields: new Map([[bytes.length - 3, 'page_token']]) });
  // ageRange (1) { to_included (2) as a string }, page_size (2) as a string, page_token (3) twice.
  const wrong = Uint8Array.from([0x0a, 0x03, 0x12, 0x01, 0x61, 0x12, 0x01, 0x62, 0x1a, 0x01, 0x63, 0x1a, 0x00]);
  expect(requestLayout(searchAgeReq, wrong)).toEqual({ stringFields: new Map([[10, 'page_token'], [13, 'page_token']]), wrongWireType: 'ageRange.to_included' });
  expect(requestLayout(searchAgeReq, Uint8Array.from([0x12, 0x01, 0x62])).wrongWireType).toBe('page_size');
});

test('bytes that are not protobuf throw, as the decoder does', () => {
  const searchAgeReq = messageDescriptor('user.SearchAgeReq')!;
  expect(() => requestLayout(searchAgeReq, Uint8Array.from([0x00]))).toThrow();
  // ageRange claims 5 bytes, its field inside runs past them.
  expect(() => requestLayout(searchAgeReq, Uint8Array.from([0x0a, 0x01, 0x08, 0x96, 0x01]))).toThrow('invalid length of ageRange');
});

const field = (shape: object) => shape as DescField;

test.each<[string, DescField, WireType[]]>([
  ['a string', field({ fieldKind: 'scalar', scalar: ScalarType.STRING }), [WireType.LengthDelimited]],
  ['bytes', field({ fieldKind: 'scalar', scalar: ScalarType.BYTES }), [WireType.LengthDelimited]],
  ['an int32', field({ fieldKind: 'scalar', scalar: ScalarType.INT32 }), [WireType.Varint]],
  ['a double', field({ fieldKind: 'scalar', scalar: ScalarType.DOUBLE }), [WireType.Bit64]],
  ['a fixed64', field({ fieldKind: 'scalar', scalar: ScalarType.FIXED64 }), [WireType.Bit64]],
  ['an sfixed64', field({ fieldKind: 'scalar', scalar: ScalarType.SFIXED64 }), [WireType.Bit64]],
  ['a float', field({ fieldKind: 'scalar', scalar: ScalarType.FLOAT }), [WireType.Bit32]],
  ['a fixed32', field({ fieldKind: 'scalar', scalar: ScalarType.FIXED32 }), [WireType.Bit32]],
  ['an sfixed32', field({ fieldKind: 'scalar', scalar: ScalarType.SFIXED32 }), [WireType.Bit32]],
  ['an enum', field({ fieldKind: 'enum' }), [WireType.Varint]],
  ['a message', field({ fieldKind: 'message' }), [WireType.LengthDelimited]],
  ['a map', field({ fieldKind: 'map' }), [WireType.LengthDelimited]],
  ['repeated doubles (packed or not)', field({ fieldKind: 'list', listKind: 'scalar', scalar: ScalarType.DOUBLE }), [WireType.Bit64, WireType.LengthDelimited]],
  ['repeated enums (packed or not)', field({ fieldKind: 'list', listKind: 'enum' }), [WireType.Varint, WireType.LengthDelimited]],
  ['repeated messages', field({ fieldKind: 'list', listKind: 'message' }), [WireType.LengthDelimited]],
])('%s arrives as %j', (_what, descField, wireTypes) => {
  expect(expectedWireTypes(descField)).toEqual(wireTypes);
});
