import { createChannel, createClient, type Channel } from 'nice-grpc';
import { Status_StatusCode, UserServiceDefinition } from '../../gen/user/user';
import { ignoreLogStreamErrors } from '../../src/shared/logger';
import { EventEmitter } from 'node:events';
import { requireServerBundle } from '../support/prerequisites';
import { spawnServer, type SpawnedServer } from '../support/spawned-server';

let server: SpawnedServer | undefined;
let channel: Channel | undefined;
beforeAll(() => requireServerBundle());
afterEach(() => {
  channel?.close();
  server?.kill();
});

test('an error on the log stream is ignored rather than thrown as an unhandled error event', () => {
  const stream = new EventEmitter();
  ignoreLogStreamErrors(stream);
  expect(stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(true);
});

test('when the reader of stdout goes away (EPIPE), users-server keeps serving and keeps its users', async () => {
  server = spawnServer(['--address=127.0.0.1:0', '--metrics-address=', '--logfmt=json']);
  const { port } = JSON.parse(await server.waitForLine(/users-server started/)) as { port: number };
  // Like `users-server | head -2`: the reading end of the pipe is closed.
  server.child.stdout!.destroy();
  channel = createChannel(`127.0.0.1:${port}`);
  const client = createClient(UserServiceDefinition, channel);
  // Each call logs a line to the closed pipe: EPIPE.
  const created = await client.create({ user: { email: 'pipe@example.com', name: { first: 'Pipe', last: 'Closed' }, age: 30 } });
  expect(created.status).toEqual({ code: Status_StatusCode.SUCCESS, msg: '' });
  const found = await client.getByEmail({ email: 'pipe@example.com' });
  expect(found.status).toEqual({ code: Status_StatusCode.SUCCESS, msg: '' });
  expect(found.user?.name).toEqual({ first: 'Pipe', last: 'Closed' });
  expect((await client.getByEmail({ email: 'mael.valadier@example.com' })).user?.name).toEqual({ first: 'Maël', last: 'Valadier' });
  expect(server.child.exitCode).toBe(null);
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.stderr()).toBe('');
});
