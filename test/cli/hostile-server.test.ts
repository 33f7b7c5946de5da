import { createServer, type Server } from 'nice-grpc';
import { Status_StatusCode, UserServiceDefinition, type UserServiceImplementation } from '../../gen/user/user';
import { runCliInProcess } from '../support/cli-in-process';

// users-cli against a server whose messages carry terminal escapes and line
// breaks (a server echoing what a hostile client sent, or a hostile server).
const HOSTILE = 'the email \u001b[2J\u001b[31mkate@x.io\r\nusers-cli: all good\u202e\u0085 cannot be found';

let server: Server;
let address: string;
beforeAll(async () => {
  server = createServer();
  const failed = { status: { code: Status_StatusCode.INVALID_QUERY, msg: HOSTILE } };
  server.add(UserServiceDefinition, {
    getByEmail: async () => ({ ...failed, user: undefined }),
    create: async () => ({ ...failed, user: undefined }),
    list: async () => ({ ...failed, users: [], nextPageToken: '' }),
    searchName: async () => ({ ...failed, users: [], nextPageToken: '' }),
    searchAge: async () => ({ ...failed, users: [], nextPageToken: '' }),
  } as UserServiceImplementation);
  address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
});
afterAll(() => server.forceShutdown());

test.each([
  ['get', ['get', 'kate@x.io']],
  ['list', ['list']],
  ['search', ['search', '--name=kate']],
])('%s prints the server message on one line, its control characters escaped', async (_command, args) => {
  expect(await runCliInProcess([...args, `--address=${address}`])).toEqual({
    code: 1,
    stdout: '',
    stderr: 'users-cli: the email \\u001b[2J\\u001b[31mkate@x.io\\r\\nusers-cli: all good\\u202e\\u0085 cannot be found\n',
  });
});
