import { once } from 'node:events';
import { connect } from 'node:net';
import { createClient } from 'nice-grpc';
import { CreateReq, GetByEmailReq, GetByEmailResp, SearchNameReq, SearchResp, Status_StatusCode, UserServiceDefinition } from '../../gen/user/user';
import { healthClient } from '../support/health-client';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';
import { fieldsOf } from '../support/log-lines';
import { scrape, sampleValue } from '../support/prometheus';
import { grpcFrame, rawGrpcCall, rawHttp2Request } from '../support/raw-grpc';
import { openStreamsIgnoringTheLimit } from '../support/raw-http2-frames';
import { REJECTION_REASONS } from '../../src/server/transport/rejected-requests';

const GRPC = { OK: 0, INTERNAL: 13, INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12 };
const GET_MAEL = Buffer.from(GetByEmailReq.encode({ email: 'mael.valadier@example.com' }).finish());
const { SUCCESS, INVALID_QUERY, FAILED } = Status_StatusCode;

let env: InProcessServer;
beforeAll(async () => {
  env = await startInProcessServer({ metricsAddress: '127.0.0.1:0', maxUsers: 3 });
});
afterAll(() => env.stop());

const rejectedOn = (server: InProcessServer) => async (reason: string) => sampleValue(await scrape(server.server.metricsPort!), 'grpc_server_rejected_total', { reason });
const rejectionLinesOf = (server: InProcessServer) => server.logger.lines.filter((l) => l.message === 'request rejected').map(({ timestamp: _time, ...l }) => fieldsOf(l));
const rejected = (reason: string) => rejectedOn(env)(reason);
const rejectionLines = () => rejectionLinesOf(env);

/** A CreateReq whose email bytes are replaced, byte for byte, by `raw` (same length, so the framing stays right). */
function createWithRawEmail(raw: number[]): Buffer {
  const placeholder = 'Q'.repeat(raw.length);
  const bytes = Buffer.from(CreateReq.encode({ user: { id: '', age: 20, name: { first: 'Eve', last: '' }, email: `${placeholder}@x.io`, phone: '', address: '' } }).finish());
  const at = bytes.indexOf(`${placeholder}@x.io`);
  Buffer.from(raw).copy(bytes, at);
  return bytes;
}

describe('invalid UTF-8, sent as raw bytes, is refused and nothing is stored', () => {
  test.each([
    ['\\xfe', [0xfe]],
    ['\\xff', [0xff]],
    ['a lone continuation byte', [0x61, 0x80]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['a UTF-16 surrogate encoded in UTF-8', [0xed, 0xa0, 0x80]],
  ])('Create with %s in user.email: INVALID_ARGUMENT naming the field', async (_what, raw) => {
    const before = await rejected('invalid_utf8');
    const answer = await rawGrpcCall(env.server.port, '/user.UserService/Create', grpcFrame(createWithRawEmail(raw)));
    expect(answer).toEqual({ grpcStatus: GRPC.INVALID_ARGUMENT, grpcMessage: 'user.email is not valid UTF-8', body: Buffer.alloc(0) });
    expect(await rejected('invalid_utf8')).toBe(before + 1);
    expect((await env.client.list({})).users).toEqual([]);
  });

  test('GetByEmail and SearchName too; valid UTF-8 in the same place is answered normally', async () => {
    const email = Buffer.from(GetByEmailReq.encode({ email: 'Q@x.io' }).finish());
    email[email.indexOf('Q')] = 0xff;
    expect(await rawGrpcCall(env.server.port, '/user.UserService/GetByEmail', grpcFrame(email))).toMatchObject({
      grpcStatus: GRPC.INVALID_ARGUMENT,
      grpcMessage: 'email is not valid UTF-8',
    });
    const query = Buffer.from(SearchNameReq.encode(SearchNameReq.fromPartial({ query: 'Q' })).finish());
    query[query.indexOf('Q')] = 0xfe;
    expect(await rawGrpcCall(env.server.port, '/user.UserService/SearchName', grpcFrame(query))).toMatchObject({
      grpcStatus: GRPC.INVALID_ARGUMENT,
      grpcMessage: 'query is not valid UTF-8',
    });
    const valid = await rawGrpcCall(env.server.port, '/user.UserService/SearchName', grpcFrame(Buffer.from(SearchNameReq.encode(SearchNameReq.fromPartial({ query: 'é' })).finish())));
    expect(valid.grpcStatus).toBe(GRPC.OK);
  });

  test('each refusal is logged at debug, one line each', async () => {
    env.logger.lines.length = 0;
    await rawGrpcCall(env.server.port, '/user.UserService/Create', grpcFrame(createWithRawEmail([0xff])));
    expect(rejectionLines()).toEqual([
      { level: 'debug', message: 'request rejected', reason: 'invalid_utf8', method: '/user.UserService/Create', grpc_code: 'INVALID_ARGUMENT', details: 'user.email is not valid UTF-8' },
    ]);
  });
});

describe('requests grpc-js refuses before any handler runs are counted and logged', () => {
  test('a message over 4 MiB: RESOURCE_EXHAUSTED, reason oversized', async () => {
    env.logger.lines.length = 0;
    const before = await rejected('oversized');
    const query = Buffer.from(SearchNameReq.encode(SearchNameReq.fromPartial({ query: 'a'.repeat(4 * 1024 * 1024) })).finish());
    const answer = await rawGrpcCall(env.server.port, '/user.UserService/SearchName', grpcFrame(query));
    const details = `Received message larger than max (${query.length} vs 4194304)`;
    expect(answer).toEqual({ grpcStatus: GRPC.RESOURCE_EXHAUSTED, grpcMessage: details, body: Buffer.alloc(0) });
    expect(await rejected('oversized')).toBe(before + 1);
    expect(rejectionLines()).toEqual([
      { level: 'debug', message: 'request rejected', reason: 'oversized', method: '/user.UserService/SearchName', grpc_code: 'RESOURCE_EXHAUSTED', details },
    ]);
  });

  test('a 2 GB length prefix: refused at once, reason oversized', async () => {
    const before = await rejected('oversized');
    const answer = await rawGrpcCall(env.server.port, '/user.UserService/List', grpcFrame(Buffer.alloc(10), { declaredLength: 2 ** 31 }));
    expect(answer).toEqual({ grpcStatus: GRPC.RESOURCE_EXHAUSTED, grpcMessage: `Received message larger than max (${2 ** 31} vs 4194304)`, body: Buffer.alloc(0) });
    expect(await rejected('oversized')).toBe(before + 1);
  });

  test.each<[string, string, number[], string]>([
    ['a length past the end', 'GetByEmail', [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], 'user.GetByEmailReq'],
    ['an unknown field 99 whose length is past the end', 'GetByEmail', [0x9a, 0x06, 0xff, 0xff, 0xff, 0xff, 0x0f], 'user.GetByEmailReq'],
    ['page_size as a varint of 11 bytes', 'List', [0x08, ...Array(10).fill(0xff), 0x01], 'user.ListReq'],
    ['a lone end-group tag', 'GetByEmail', [0x0c], 'user.GetByEmailReq'],
  ])('bytes that are not protobuf (%s): INVALID_ARGUMENT naming the request type, not INTERNAL; reason malformed', async (_what, method, bytes, type) => {
    const before = await rejected('malformed');
    const answer = await rawGrpcCall(env.server.port, `/user.UserService/${method}`, grpcFrame(Buffer.from(bytes)));
    expect(answer).toEqual({ grpcStatus: GRPC.INVALID_ARGUMENT, grpcMessage: `the request is not a valid ${type}`, body: Buffer.alloc(0) });
    expect(await rejected('malformed')).toBe(before + 1);
  });

  test('a gzip frame that is not gzip: INVALID_ARGUMENT, reason malformed', async () => {
    const before = await rejected('malformed');
    const answer = await rawGrpcCall(env.server.port, '/user.UserService/List', grpcFrame(Buffer.from('not gzip'), { compressed: true }), { 'grpc-encoding': 'gzip' });
    expect(answer).toEqual({ grpcStatus: GRPC.INVALID_ARGUMENT, grpcMessage: 'the request message does not decompress with its grpc-encoding', body: Buffer.alloc(0) });
    expect(await rejected('malformed')).toBe(before + 1);
  });

  test('a bad grpc-timeout: INVALID_ARGUMENT, reason malformed', async () => {
    const before = await rejected('malformed');
    const answer = await rawGrpcCall(env.server.port, '/user.UserService/List', grpcFrame(Buffer.alloc(0)), { 'grpc-timeout': 'abc' });
    expect(answer).toEqual({ grpcStatus: GRPC.INVALID_ARGUMENT, grpcMessage: 'Invalid grpc-timeout value "abc"', body: Buffer.alloc(0) });
    expect(await rejected('malformed')).toBe(before + 1);
  });

  test.each<[string, Buffer, Record<string, string>, string]>([
    ['a message flag of 2', Buffer.from([2, 0, 0, 0, 0]), {}, "the request's gRPC message flag is 2: 0 (plain) or 1 (compressed)"],
    ['a message flagged compressed without grpc-encoding', grpcFrame(GET_MAEL, { compressed: true }), {}, 'the request message is flagged compressed, but the call names no grpc-encoding'],
    ['a message flagged compressed with grpc-encoding identity', grpcFrame(GET_MAEL, { compressed: true }), { 'grpc-encoding': 'identity' }, 'the request message is flagged compressed, but the call names no grpc-encoding'],
  ])('%s: INVALID_ARGUMENT, reason malformed (grpc-js would read it as plain and answer)', async (_what, body, headers, message) => {
    const before = await rejected('malformed');
    const answer = await rawGrpcCall(env.server.port, '/user.UserService/GetByEmail', body, headers);
    expect(answer).toEqual({ grpcStatus: GRPC.INVALID_ARGUMENT, grpcMessage: message, body: Buffer.alloc(0) });
    expect(await rejected('malformed')).toBe(before + 1);
  });

  test('content-type application/grpc+json: UNIMPLEMENTED, reason unsupported_content_type (grpc-js would decode JSON as protobuf); application/grpc+proto is served', async () => {
    const before = await rejected('unsupported_content_type');
    const json = await rawGrpcCall(env.server.port, '/user.UserService/GetByEmail', grpcFrame(Buffer.from('{"email":"mael.valadier@example.com"}')), { 'content-type': 'application/grpc+json' });
    expect(json).toEqual({ grpcStatus: GRPC.UNIMPLEMENTED, grpcMessage: 'content-type application/grpc+json is not served: use application/grpc (protobuf)', body: Buffer.alloc(0) });
    expect(await rejected('unsupported_content_type')).toBe(before + 1);
    const proto = await rawGrpcCall(env.server.port, '/user.UserService/GetByEmail', grpcFrame(GET_MAEL), { 'content-type': 'application/grpc+proto' });
    expect(proto.grpcStatus).toBe(GRPC.OK);
    // Decoded and answered (this server holds no users).
    expect(GetByEmailResp.decode(proto.body.subarray(5)).status).toEqual({ code: Status_StatusCode.INVALID_QUERY, msg: 'the email mael.valadier@example.com cannot be found' });
  });

  test('an unknown compression: UNIMPLEMENTED, reason unsupported_encoding', async () => {
    const before = await rejected('unsupported_encoding');
    const answer = await rawGrpcCall(env.server.port, '/user.UserService/List', grpcFrame(Buffer.from('x'), { compressed: true }), { 'grpc-encoding': 'br' });
    expect(answer).toEqual({ grpcStatus: GRPC.UNIMPLEMENTED, grpcMessage: 'Received message compressed with unsupported encoding "br"', body: Buffer.alloc(0) });
    expect(await rejected('unsupported_encoding')).toBe(before + 1);
  });

  test('every reason is a series from the start', async () => {
    const fresh = await startInProcessServer({ metricsAddress: '127.0.0.1:0' });
    try {
      const samples = await scrape(fresh.server.metricsPort!);
      for (const reason of REJECTION_REASONS) {
        expect([reason, sampleValue(samples, 'grpc_server_rejected_total', { reason })]).toEqual([reason, 0]);
      }
    } finally {
      await fresh.stop();
    }
  });
});

describe('a name query longer than its limit could be is judged on its bytes, with the same answers as a short one', () => {
  const MiB = 1024 * 1024;
  const search = (query: string) => env.client.searchName({ query, pageSize: 0, pageToken: '' });
  const tooLong = { status: { code: INVALID_QUERY, msg: 'name query must be at most 100 characters' }, users: [], nextPageToken: '' };
  // All the white space trim() removes, so that the padding is a MiB of each kind.
  const padding = (' \t\n\u3000\u00a0\ufeff\u2029').repeat(MiB / 16);

  test.each([
    ['1 MiB of U+FDFA', '\ufdfa'.repeat(MiB / 3)],
    ['101 × é inside a MiB of white space', `${padding}${'é'.repeat(101)}${padding}`],
    ['101 × 😀 (four bytes each)', `${padding}${'😀'.repeat(101)}`],
  ])('%s: INVALID_QUERY, "name query must be at most 100 characters"', async (_what, query) => {
    expect(await search(query)).toEqual(tooLong);
  });

  test.each([
    ['a word inside a MiB of white space', `${padding}A${padding}`, 'A'],
    ['100 × é inside it (at the limit)', `${padding}${'é'.repeat(100)}${padding}`, 'é'.repeat(100)],
    ['100 × 😀 after it', `${padding}${'😀'.repeat(100)}`, '😀'.repeat(100)],
  ])('%s: answered as the trimmed query is', async (_what, query, trimmed) => {
    const answer = await search(query);
    expect(answer.status).toEqual({ code: SUCCESS, msg: '' });
    expect(answer).toEqual(await search(trimmed));
  });

  test('GetByEmail too: a MiB of email is refused for its length; inside a MiB of white space, it is found', async () => {
    expect(await env.client.getByEmail({ email: `${'é'.repeat(MiB / 2)}@x.io` })).toEqual({ status: { code: INVALID_QUERY, msg: 'email must be at most 254 characters' }, user: undefined });
    expect(await env.client.getByEmail({ email: `${padding}nobody@x.io${padding}` })).toEqual(await env.client.getByEmail({ email: 'nobody@x.io' }));
  });

  test('the query sent twice: the last one counts, as protobuf merges (a long one, then "A")', async () => {
    const first = SearchNameReq.encode(SearchNameReq.fromPartial({ query: '\ufdfa'.repeat(MiB / 3) })).finish();
    const last = SearchNameReq.encode(SearchNameReq.fromPartial({ query: 'A' })).finish();
    const answer = await rawGrpcCall(env.server.port, '/user.UserService/SearchName', grpcFrame(Buffer.concat([first, last])));
    const expected = await rawGrpcCall(env.server.port, '/user.UserService/SearchName', grpcFrame(Buffer.from(last)));
    expect(answer).toEqual({ ...expected, grpcStatus: GRPC.OK });
    const reversed = await rawGrpcCall(env.server.port, '/user.UserService/SearchName', grpcFrame(Buffer.concat([last, first])));
    expect(reversed.body).toEqual(Buffer.from(grpcFrame(Buffer.from(SearchResp.encode(tooLong).finish()))));
  });

  test('a short invalid query, then a valid one: the refusal still names the field (the decoded message holds "maël")', async () => {
    const before = await rejected('invalid_utf8');
    const first = Buffer.from(SearchNameReq.encode(SearchNameReq.fromPartial({ query: 'Q' })).finish());
    first[first.indexOf('Q')] = 0xff;
    const last = SearchNameReq.encode(SearchNameReq.fromPartial({ query: 'maël' })).finish();
    const answer = await rawGrpcCall(env.server.port, '/user.UserService/SearchName', grpcFrame(Buffer.concat([first, last])));
    expect(answer).toEqual({ grpcStatus: GRPC.INVALID_ARGUMENT, grpcMessage: 'query is not valid UTF-8', body: Buffer.alloc(0) });
    expect(await rejected('invalid_utf8')).toBe(before + 1);
  });

  test('an invalid page_token is named as the .proto names it', async () => {
    const bytes = Buffer.from(SearchNameReq.encode(SearchNameReq.fromPartial({ query: 'mael', pageToken: 'T' })).finish());
    bytes[bytes.lastIndexOf('T')] = 0xfe;
    const answer = await rawGrpcCall(env.server.port, '/user.UserService/SearchName', grpcFrame(bytes));
    expect(answer).toEqual({ grpcStatus: GRPC.INVALID_ARGUMENT, grpcMessage: 'page_token is not valid UTF-8', body: Buffer.alloc(0) });
  });

  test('a MiB of query with invalid UTF-8 in it: INVALID_ARGUMENT "query is not valid UTF-8", counted', async () => {
    const before = await rejected('invalid_utf8');
    const bytes = Buffer.from(SearchNameReq.encode(SearchNameReq.fromPartial({ query: 'Q'.repeat(MiB) })).finish());
    bytes[bytes.length - 1] = 0xff;
    const answer = await rawGrpcCall(env.server.port, '/user.UserService/SearchName', grpcFrame(bytes));
    expect(answer).toEqual({ grpcStatus: GRPC.INVALID_ARGUMENT, grpcMessage: 'query is not valid UTF-8', body: Buffer.alloc(0) });
    expect(await rejected('invalid_utf8')).toBe(before + 1);
  });
});

describe('requests grpc-js refuses from its HTTP/2 listener, before any interceptor, are counted and logged', () => {
  const empty = grpcFrame(Buffer.alloc(0));
  // A server of their own: its rejection log has not spent its burst of lines (10 in 10 s) on the tests above.
  let own: InProcessServer;
  beforeAll(async () => (own = await startInProcessServer({ metricsAddress: '127.0.0.1:0' })));
  afterAll(() => own.stop());
  const rejected = (reason: string) => rejectedOn(own)(reason);
  const rejectionLines = () => rejectionLinesOf(own);

  test.each([
    ['an unknown method', '/user.UserService/Delete'],
    ['an unknown service', '/nope.Nothing/Get'],
  ])('%s: UNIMPLEMENTED, reason unimplemented', async (_what, path) => {
    own.logger.lines.length = 0;
    const before = await rejected('unimplemented');
    const answer = await rawGrpcCall(own.server.port, path, empty);
    expect(answer).toEqual({ grpcStatus: GRPC.UNIMPLEMENTED, grpcMessage: `The server does not implement the method ${path}`, body: Buffer.alloc(0) });
    expect(await rejected('unimplemented')).toBe(before + 1);
    expect(rejectionLines()).toEqual([{ level: 'debug', message: 'request rejected', reason: 'unimplemented', method: path, grpc_code: 'UNIMPLEMENTED', details: `no service implements ${path}` }]);
  });

  test.each([
    ['text/html', { 'content-type': 'text/html' }, 'content-type "text/html" is not application/grpc'],
    ['none', {}, 'no content-type: expected application/grpc'],
  ])('content-type %s: HTTP 415, reason unsupported_content_type', async (_what, headers, details) => {
    own.logger.lines.length = 0;
    const before = await rejected('unsupported_content_type');
    const answer = await rawHttp2Request(own.server.port, '/user.UserService/List', empty, headers);
    expect(answer).toEqual({ httpStatus: 415, body: Buffer.alloc(0) });
    expect(await rejected('unsupported_content_type')).toBe(before + 1);
    expect(rejectionLines()).toEqual([{ level: 'debug', message: 'request rejected', reason: 'unsupported_content_type', method: '/user.UserService/List', http_status: 415, details }]);
  });

  test('an HTTP/1.1 request on the gRPC port: the connection is refused, reason http2_protocol_error', async () => {
    own.logger.lines.length = 0;
    const before = await rejected('http2_protocol_error');
    const socket = connect(own.server.port, '127.0.0.1');
    socket.end('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
    socket.resume();
    await once(socket, 'close');
    expect(await rejected('http2_protocol_error')).toBe(before + 1);
    expect(rejectionLines()).toEqual([{ level: 'debug', message: 'request rejected', reason: 'http2_protocol_error', details: 'Received bad client magic byte string' }]);
  });

  test('streams past --max-concurrent-streams from a client that acknowledged it: the connection is closed, reason http2_protocol_error', async () => {
    const limited = await startInProcessServer({ metricsAddress: '127.0.0.1:0', maxConcurrentStreams: 1 });
    try {
      const before = await rejectedOn(limited)('http2_protocol_error');
      // Stream 1 waits for its message; stream 3 is one too many. nghttp2 answers GOAWAY (INTERNAL_ERROR, 2).
      expect(await openStreamsIgnoringTheLimit(limited.server.port, '/user.UserService/GetByEmail', 2)).toEqual({ goawayCode: 2 });
      expect(await rejectedOn(limited)('http2_protocol_error')).toBe(before + 1);
      expect(rejectionLinesOf(limited)).toEqual([{ level: 'debug', message: 'request rejected', reason: 'http2_protocol_error', details: 'Protocol error' }]);
    } finally {
      await limited.stop();
    }
  });

  test('valid calls after them are answered, and counted in none of these reasons', async () => {
    const reasons = ['unimplemented', 'unsupported_content_type', 'http2_protocol_error'];
    const before = await Promise.all(reasons.map(rejected));
    expect((await own.client.list({})).status).toEqual({ code: SUCCESS, msg: '' });
    expect(await healthClient(own.channel).check({ service: '' })).toEqual({ status: 1 });
    expect(await Promise.all(reasons.map(rejected))).toEqual(before);
  });
});

describe('--max-users bounds the memory store', () => {
  test('past it, Create answers FAILED "the directory is full (3 users)"; the server stays SERVING and answers', async () => {
    const client = env.client;
    const user = (email: string) => ({ id: '', age: 30, name: { first: 'A', last: 'B' }, email, phone: '', address: '' });
    for (const email of ['one@x.io', 'two@x.io', 'three@x.io']) expect((await client.create({ user: user(email) })).status).toEqual({ code: SUCCESS, msg: '' });
    expect(await client.create({ user: user('four@x.io') })).toEqual({ status: { code: FAILED, msg: 'the directory is full (3 users)' }, user: undefined });
    expect((await client.list({})).users.map((u) => u.email)).toEqual(['one@x.io', 'three@x.io', 'two@x.io']);
    expect((await client.getByEmail({ email: 'two@x.io' })).status).toEqual({ code: SUCCESS, msg: '' });
    expect(await healthClient(env.channel).check({ service: '' })).toEqual({ status: 1 });
    expect(await healthClient(env.channel).check({ service: 'user.UserService' })).toEqual({ status: 1 });
  });
});

test('a status message echoes a 4 MiB email escaped and cut to 100 characters', async () => {
  const client = createClient(UserServiceDefinition, env.channel);
  const email = `\u001b[2J\r\n${'x'.repeat(4 * 1024 * 1024 - 100)}`;
  const answer = await client.create({ user: { id: '', age: 30, name: undefined, email, phone: '', address: '' } });
  expect(answer.status).toEqual({ code: INVALID_QUERY, msg: 'user.email must be at most 254 characters' });
  const notFound = await client.getByEmail({ email: `\u001b[2J\r\n${'x'.repeat(200)}@x.io` });
  expect(notFound.status).toEqual({ code: INVALID_QUERY, msg: `the email \\u001b[2J\\r\\n${'x'.repeat(94)}… cannot be found` });
});
