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
