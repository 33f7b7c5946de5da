import { CreateReq, GetByEmailReq } from '../../gen/user/user';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';
import { fieldsOf } from '../support/log-lines';
import { scrape, sampleValue } from '../support/prometheus';
import { grpcFrame, rawGrpcCall } from '../support/raw-grpc';

const GRPC = { OK: 0, INVALID_ARGUMENT: 3 };

let env: InProcessServer;
beforeAll(async () => (env = await startInProcessServer({ metricsAddress: '127.0.0.1:0' })));
afterAll(() => env.stop());

const malformed = async () => sampleValue(await scrape(env.server.metricsPort!), 'grpc_server_rejected_total', { reason: 'malformed' });
const rejectionLines = () => env.logger.lines.filter((l) => l.message === 'request rejected').map(({ timestamp: _time, ...l }) => fieldsOf(l));

// Tag bytes: (field number << 3) | wire type; wire type 0 is a varint, 2 length-delimited.
const varint = (field: number, value: number) => [(field << 3) | 0, value];
const lengthDelimited = (field: number, bytes: number[]) => [(field << 3) | 2, bytes.length, ...bytes];

describe('a known field sent with a wire type its type cannot have is refused, as Go refuses it', () => {
  test('GetByEmail with email as a varint: INVALID_ARGUMENT naming the field, counted and logged as malformed', async () => {
    env.logger.lines.length = 0;
    const before = await malformed();
    const answer = await rawGrpcCall(env.server.port, '/user.UserService/GetByEmail', grpcFrame(Buffer.from(varint(1, 5))));
    expect(answer).toEqual({ grpcStatus: GRPC.INVALID_ARGUMENT, grpcMessage: 'email was sent with the wrong wire type', body: Buffer.alloc(0) });
    expect(await malformed()).toBe(before + 1);
    expect(rejectionLines()).toEqual([
      { level: 'debug', message: 'request rejected', reason: 'malformed', method: '/user.UserService/GetByEmail', grpc_code: 'INVALID_ARGUMENT', details: 'email was sent with the wrong wire type' },
    ]);
  });

  test.each<[string, number[], string]>([
    ['user.email as a varint', lengthDelimited(1, [...varint(4, 7)]), 'user.email was sent with the wrong wire type'],
    ['user.age as a string', lengthDelimited(1, [...lengthDelimited(2, [0x33])]), 'user.age was sent with the wrong wire type'],
    ['user.name as a varint', lengthDelimited(1, [...varint(3, 1)]), 'user.name was sent with the wrong wire type'],
    ['user.name.first as a varint', lengthDelimited(1, [...lengthDelimited(3, [...varint(1, 1)])]), 'user.name.first was sent with the wrong wire type'],
    ['user as a varint', varint(1, 1), 'user was sent with the wrong wire type'],
  ])('Create with %s: INVALID_ARGUMENT naming it, nothing stored', async (_what, bytes, message) => {
    const answer = await rawGrpcCall(env.server.port, '/user.UserService/Create', grpcFrame(Buffer.from(bytes)));
    expect(answer).toEqual({ grpcStatus: GRPC.INVALID_ARGUMENT, grpcMessage: message, body: Buffer.alloc(0) });
    expect((await env.client.list({})).users).toEqual([]);
  });

  test('an unknown field, of any wire type, is still skipped (a newer client may send it)', async () => {
    const known = [...CreateReq.encode({ user: { id: '', age: 20, name: { first: 'Eve', last: '' }, email: 'eve@x.io', phone: '', address: '' } }).finish()];
    const bytes = Buffer.from([...varint(99, 1), ...lengthDelimited(98, [0x61]), ...known]);
    expect((await rawGrpcCall(env.server.port, '/user.UserService/Create', grpcFrame(bytes))).grpcStatus).toBe(GRPC.OK);
    const found = await rawGrpcCall(env.server.port, '/user.UserService/GetByEmail', grpcFrame(Buffer.from(GetByEmailReq.encode({ email: 'eve@x.io' }).finish())));
    expect(found.grpcStatus).toBe(GRPC.OK);
    expect((await env.client.getByEmail({ email: 'eve@x.io' })).user?.name).toEqual({ first: 'Eve', last: '' });
  });
});

describe('every refusal names its field as the .proto does (page_size, not pageSize), in every request', () => {
  const FF = [0xff];
  const user = (field: number[]) => lengthDelimited(1, field);
  const name = (field: number[]) => user(lengthDelimited(3, field));
  const ageRange = (field: number[]) => lengthDelimited(1, field);

  test.each<[string, string, number[]]>([
    ['/user.UserService/Create', 'user.id', user(lengthDelimited(1, FF))],
    ['/user.UserService/Create', 'user.name.first', name(lengthDelimited(1, FF))],
    ['/user.UserService/Create', 'user.name.last', name(lengthDelimited(2, FF))],
    ['/user.UserService/Create', 'user.email', user(lengthDelimited(4, FF))],
    ['/user.UserService/Create', 'user.phone', user(lengthDelimited(5, FF))],
    ['/user.UserService/Create', 'user.address', user(lengthDelimited(6, FF))],
    ['/user.UserService/GetByEmail', 'email', lengthDelimited(1, FF)],
    ['/user.UserService/List', 'page_token', lengthDelimited(2, FF)],
    ['/user.UserService/SearchAge', 'page_token', [...ageRange(varint(1, 1)), ...lengthDelimited(3, FF)]],
    ['/user.UserService/SearchName', 'page_token', [...lengthDelimited(1, [0x61]), ...lengthDelimited(3, FF)]],
    ['/user.UserService/SearchName', 'query', lengthDelimited(1, FF)],
    ['/grpc.health.v1.Health/Check', 'service', lengthDelimited(1, FF)],
  ])('%s with invalid UTF-8 in %s: INVALID_ARGUMENT "%s is not valid UTF-8"', async (method, field, bytes) => {
    const answer = await rawGrpcCall(env.server.port, method, grpcFrame(Buffer.from(bytes)));
    expect(answer).toEqual({ grpcStatus: GRPC.INVALID_ARGUMENT, grpcMessage: `${field} is not valid UTF-8`, body: Buffer.alloc(0) });
  });

  test.each<[string, string, number[]]>([
    ['/user.UserService/Create', 'user.id', user(varint(1, 1))],
    ['/user.UserService/Create', 'user.phone', user(varint(5, 1))],
    ['/user.UserService/Create', 'user.address', user(varint(6, 1))],
    ['/user.UserService/Create', 'user.name.last', name(varint(2, 1))],
    ['/user.UserService/List', 'page_size', lengthDelimited(1, [0x31])],
    ['/user.UserService/List', 'page_token', varint(2, 1)],
    ['/user.UserService/SearchAge', 'ageRange', varint(1, 1)],
    ['/user.UserService/SearchAge', 'ageRange.from', ageRange(lengthDelimited(1, [0x31]))],
    ['/user.UserService/SearchAge', 'ageRange.to_included', ageRange(lengthDelimited(2, [0x31]))],
    ['/user.UserService/SearchAge', 'page_size', lengthDelimited(2, [0x31])],
    ['/user.UserService/SearchAge', 'page_token', varint(3, 1)],
    ['/user.UserService/SearchName', 'query', varint(1, 1)],
    ['/user.UserService/SearchName', 'page_size', lengthDelimited(2, [0x31])],
    ['/user.UserService/SearchName', 'page_token', varint(3, 1)],
    ['/grpc.health.v1.Health/Check', 'service', varint(1, 1)],
  ])('%s with %s of the wrong wire type: INVALID_ARGUMENT "%s was sent with the wrong wire type"', async (method, field, bytes) => {
    const answer = await rawGrpcCall(env.server.port, method, grpcFrame(Buffer.from(bytes)));
    expect(answer).toEqual({ grpcStatus: GRPC.INVALID_ARGUMENT, grpcMessage: `${field} was sent with the wrong wire type`, body: Buffer.alloc(0) });
  });
});
