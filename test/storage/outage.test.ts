import path from 'node:path';
import { ClientError, Status } from 'nice-grpc';
import { Status_StatusCode } from '../../gen/user/user';
import { clientErrorOf } from '../support/client-errors';
import { ServingStatus, watchHealth } from '../support/health-client';
import { requireServerBundle } from '../support/prerequisites';
import { dataRoot, startPostgres, type OwnPostgres } from '../support/postgres';
import { sampleValue, scrape } from '../support/prometheus';
import { startStorageServer, type StorageServer } from '../support/storage-server';

// PostgreSQL stops during traffic and comes back: users-server answers
// UNAVAILABLE and reports user.UserService NOT_SERVING (while "" stays
// SERVING), then recovers by itself, without a restart.
jest.setTimeout(180_000);

let root: ReturnType<typeof dataRoot>;
let postgres: OwnPostgres | undefined;
let server: StorageServer | undefined;
// The background traffic of the test; ended in afterAll too, should the test fail midway.
let traffic = false;
beforeAll(() => {
  requireServerBundle();
  root = dataRoot('users-grpc-outage-');
});
afterAll(async () => {
  traffic = false;
  await server?.stop();
  await postgres?.stop();
  root?.cleanup();
});

const aUser = (email: string) => ({ user: { id: '', age: 40, name: { first: 'Out', last: 'Age' }, email, phone: '', address: '' } });

test('database down: UNAVAILABLE and NOT_SERVING; back: SERVING and answers, one log line per change', async () => {
  const dataDir = path.join(root.path, 'data');
  postgres = await startPostgres({ dataDir });
  const port = Number(new URL(postgres.url).port);
  server = await startStorageServer(postgres.url, ['--samples=false', '--metrics-address=127.0.0.1:0']);
  const metricsPort = Number(/:(\d+)$/.exec(String(server.logLines('users-server started')[0].metrics))![1]);
  const { client, health } = server;
  expect((await client.create(aUser('before@x.io'))).status?.code).toBe(Status_StatusCode.SUCCESS);

  // Traffic all along: every answer is a success or UNAVAILABLE, never INTERNAL.
  const codes = new Set<string>();
  traffic = true;
  const background = (async () => {
    while (traffic) {
      await client.getByEmail({ email: 'before@x.io' }).then(
        () => codes.add('OK'),
        (error: unknown) => codes.add(error instanceof ClientError ? Status[error.code] : String(error)),
      );
      // Paced, to leave the (shared) CPU to the servers.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  const userService = watchHealth(health, 'user.UserService');
  expect(sampleValue(await scrape(metricsPort), 'users_grpc_stored_users')).toBe(1);
  expect(await userService.next()).toBe('SERVING');

  await postgres.stop();
  expect(await userService.next()).toBe('NOT_SERVING');
  expect(await clientErrorOf(client.create(aUser('during@x.io')))).toEqual({ code: 'UNAVAILABLE', details: 'database unavailable' });
  expect(await clientErrorOf(client.list({}))).toEqual({ code: 'UNAVAILABLE', details: 'database unavailable' });
  expect((await health.check({ service: 'user.UserService' })).status).toBe(ServingStatus.NOT_SERVING);
  // The whole server stays SERVING: a liveness probe does not restart the pod.
  expect((await health.check({ service: '' })).status).toBe(ServingStatus.SERVING);
  // Metrics still scrape; the users gauge keeps its last value.
  expect(sampleValue(await scrape(metricsPort), 'users_grpc_stored_users')).toBe(1);

  postgres = await startPostgres({ dataDir, port });
  expect(await userService.next()).toBe('SERVING');
  expect((await client.create(aUser('after@x.io'))).status?.code).toBe(Status_StatusCode.SUCCESS);
  const listed = await client.list({});
  expect(listed.users.map((u) => u.email).sort()).toEqual(['after@x.io', 'before@x.io']);

  traffic = false;
  await background;
  expect([...codes].sort()).toEqual(['OK', 'UNAVAILABLE']);
  expect(server.logLines('database unavailable: user.UserService is NOT_SERVING until it answers again')).toHaveLength(1);
  expect(server.logLines('database available again: serving user.UserService')).toHaveLength(1);
  expect(server.logLines('unexpected error in call')).toEqual([]);
  expect(server.stdout() + server.stderr()).not.toContain('test-secret-password');

  await server.stop();
  expect(server.child.exitCode).toBe(0);
  server = undefined;
});
