import { createChannel, createClient, type Channel } from 'nice-grpc';
import { Status_StatusCode, UserServiceDefinition } from '../../gen/user/user';
import { requireServerBundle } from '../support/prerequisites';
import { run, SERVER_BIN, startServerProcess, type ServerProcess } from '../support/processes';
import { makeTempDir, type TempDir } from '../support/temp-dir';

let dir: TempDir;
let server: ServerProcess | undefined;
let channel: Channel | undefined;
beforeAll(() => {
  requireServerBundle();
  dir = makeTempDir();
});
afterAll(() => dir.cleanup());
afterEach(async () => {
  channel?.close();
  channel = undefined;
  await server?.stop();
  server = undefined;
});

async function listOf(args: string[], env: NodeJS.ProcessEnv = {}) {
  server = await startServerProcess(args, env);
  channel = createChannel(server.address);
  return createClient(UserServiceDefinition, channel).list({});
}

const OK = { code: Status_StatusCode.SUCCESS, msg: '' };

test('the built-in samples are loaded by default', async () => {
  const response = await listOf([]);
  expect(response.status).toEqual(OK);
  expect(response.users).toHaveLength(32);
  expect(response.users[0]).toEqual({
    id: 'sample-27',
    age: 26,
    name: { first: 'Aïcha', last: 'Diallo' },
    email: 'aicha.diallo@example.com',
    phone: '+221 77 555 01 38',
    address: 'Rue 10, Dakar, 12500',
  });
});

test.each<[string, string[], NodeJS.ProcessEnv]>([
  ['--samples=false', ['--samples=false'], {}],
  ['--no-samples', ['--no-samples'], {}],
  ['SAMPLES=false', [], { SAMPLES: 'false' }],
])('%s: no users', async (_what, args, env) => {
  expect(await listOf(args, env)).toEqual({ status: OK, users: [], nextPageToken: '' });
  expect(server!.output()).not.toContain('sample users loaded');
});

test('--samples-file loads a file in the Go format instead of the built-in users', async () => {
  const file = dir.write(
    'users.json',
    JSON.stringify([
      { id: 'g1', age: 51, firstName: 'Valencia', lastName: 'Dorsey', email: 'valencia.dorsey@email.info', phone: '+1 (906) 568-2594', address: '941 Merit Court, Grill, Mississippi, 4961' },
      { id: 'g2', age: 22, firstName: 'Zoë', lastName: 'Abbott', email: 'zoe.abbott@email.info', phone: '+1 (800) 555-0100', address: '1 Main Street' },
    ]),
  );
  expect(await listOf([`--samples-file=${file}`])).toEqual({
    status: OK,
    users: [
      {
        id: 'g1',
        age: 51,
        name: { first: 'Valencia', last: 'Dorsey' },
        email: 'valencia.dorsey@email.info',
        phone: '+1 (906) 568-2594',
        address: '941 Merit Court, Grill, Mississippi, 4961',
      },
      { id: 'g2', age: 22, name: { first: 'Zoë', last: 'Abbott' }, email: 'zoe.abbott@email.info', phone: '+1 (800) 555-0100', address: '1 Main Street' },
    ],
    nextPageToken: '',
  });
  const loaded = server!.output().split('\n').find((l) => l.includes('sample users loaded'));
  expect(JSON.parse(loaded!)).toMatchObject({ level: 'info', message: 'sample users loaded', count: 2, source: `samples file ${file}` });
});

test('SAMPLES_FILE from the environment', async () => {
  const file = dir.write('env-users.json', '[{"email": "only@x.io", "age": 3}]');
  const response = await listOf([], { SAMPLES_FILE: file });
  expect(response.users.map((u) => u.email)).toEqual(['only@x.io']);
});

describe('a bad samples file stops the server: exit 1, one line naming the file and the problem', () => {
  const runServer = (args: string[]) => run(process.execPath, [SERVER_BIN, '--address=127.0.0.1:0', '--metrics-address=', ...args]);

  test.each<[string, string, (file: string) => string]>([
    ['bad JSON', '[{"email": ', (f) => `samples file ${f}: invalid JSON (Unexpected end of JSON input)`],
    ['not an array', '{"users": []}', (f) => `samples file ${f}: expected a JSON array of users`],
    ['a wrong field type', '[{"email": "a@x.io", "age": "30"}]', (f) => `samples file ${f}: user 1: field "age" must be a number`],
    ['an unknown field', '[{"email": "a@x.io", "nick": "al"}]', (f) => `samples file ${f}: user 1: unknown field "nick"`],
    ['an invalid user', '[{"email": "a@x.io"}, {"email": "b@x.io", "age": 151}]', (f) => `samples file ${f}: user 2 (b@x.io): user.age must be between 0 and 150, got 151`],
    ['a duplicate email', '[{"email": "a@x.io"}, {"email": "A@x.io"}]', (f) => `samples file ${f}: user 2 (A@x.io): email already exists`],
  ])('%s', async (_what, contents, message) => {
    const file = dir.write('bad.json', contents);
    expect(await runServer([`--samples-file=${file}`])).toEqual({ code: 1, stdout: '', stderr: `users-server: ${message(file)}\n` });
  });

  test('a missing file', async () => {
    const file = `${dir.path}/nope.json`;
    expect(await runServer([`--samples-file=${file}`])).toEqual({ code: 1, stdout: '', stderr: `users-server: samples file ${file}: no such file\n` });
  });
});
