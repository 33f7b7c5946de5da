import { GetByEmailReq, SearchNameReq, UserServiceDefinition } from '../../gen/user/user';
import { TextOverLimit } from '../../src/domain/code-points';
import { overLimit } from '../../src/server/transport/bounded-text-fields';
import { invalidUtf8Field, withUtf8Check } from '../../src/server/transport/strict-utf8';

const decode = (bytes: Uint8Array) => withUtf8Check(UserServiceDefinition).methods.searchName.requestType.decode(bytes);
// The decoded fields, without the marks kept under symbols.
const fields = (request: object) => Object.fromEntries(Object.entries(request));
const encode = (query: string, pageSize = 0) => SearchNameReq.encode({ query, pageSize, pageToken: '' }).finish();

describe('the SearchName request decoder judges a long query on its bytes', () => {
  test('over the limit: the query is never decoded (left empty) and marked', () => {
    const request = decode(encode('\ufdfa'.repeat(1024 * 1024), 7));
    expect(fields(request)).toEqual({ query: '', pageSize: 7, pageToken: '' });
    expect(overLimit(request, 'query')).toEqual(new TextOverLimit(100));
  });

  test('white space around a short query: only the trimmed text is decoded', () => {
    const request = decode(encode(`${' '.repeat(1000)}maël\u3000`));
    expect(fields(request)).toEqual({ query: 'maël', pageSize: 0, pageToken: '' });
    expect(overLimit(request, 'query')).toBeUndefined();
  });

  test('a query short enough to be within the limit is decoded as any string', () => {
    const query = ` ${'\ufdfa'.repeat(100)} `;
    const request = decode(encode(query));
    expect(fields(request)).toEqual({ query, pageSize: 0, pageToken: '' });
    expect(overLimit(request, 'query')).toBeUndefined();
  });

  test('invalid UTF-8 in a long query: left empty, and named for refuseInvalidUtf8', () => {
    const bytes = encode('Q'.repeat(10_000));
    bytes[bytes.length - 1] = 0xff;
    const request = decode(bytes);
    expect(fields(request)).toEqual({ query: '', pageSize: 0, pageToken: '' });
    expect(invalidUtf8Field(request)).toBe('query');
  });

  test('bytes that are not protobuf still fail as the plain decoder fails', () => {
    expect(() => decode(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow();
  });
});

test('GetByEmail: an email longer than its limit could be is judged on its bytes too', () => {
  const decodeEmail = (email: string) => withUtf8Check(UserServiceDefinition).methods.getByEmail.requestType.decode(GetByEmailReq.encode({ email }).finish());
  const over = decodeEmail(`${'\u00e9'.repeat(600)}@x.io`); // 1,205 bytes: more than 4 × 254, so judged on its bytes
  expect(fields(over)).toEqual({ email: '' });
  expect(overLimit(over, 'email')).toEqual(new TextOverLimit(254));
  const padded = decodeEmail(`${' '.repeat(2000)}kate@example.com `);
  expect(fields(padded)).toEqual({ email: 'kate@example.com' });
  expect(overLimit(padded, 'email')).toBeUndefined();
});
