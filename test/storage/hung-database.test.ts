import path from 'node:path';
import { Status_StatusCode } from '../../gen/user/user';
import { RepositoryUnavailableError } from '../../src/domain/storage-errors';
import { migrate } from '../../src/repository/sql/migrate';
import { PG_TIMEOUTS, PgDriver } from '../../src/repository/sql/pg-driver';
import { postgresClientConfig } from '../../src/repository/sql/postgres-client-config';
import { SqlUserRepository } from '../../src/repository/sql/sql-user-repository';
import { clientErrorOf } from '../support/client-errors';
import { ServingStatus, watchHealth } from '../support/health-client';
import { requireServerBundle } from '../support/prerequisites';
import { dataRoot, pausePostgres, startPostgres, type OwnPostgres } from '../support/postgres';
import { startStorageServer, type StorageServer } from '../support/storage-server';

// A PostgreSQL that hangs (SIGSTOP: connections stay open, nothing answers, no
// reset) must not hang calls until the client's deadline, keep health SERVING,
// or hang the shutdown: every wait for it is bounded (PG_TIMEOUTS).
jest.setTimeout(180_000);

let root: ReturnType<typeof dataRoot>;
let postgres: OwnPostgres;
let dataDir: string;
const paused: Array<{ resume(): void }> = [];
let server: StorageServer | undefined;
beforeAll(async () => {
  requireServerBundle();
  root = dataRoot('users-grpc-hung-');
  dataDir = path.join(root.path, 'data');
  postgres = await startPostgres({ dataDir });
});
afterEach(async () => {
  for (const pause of paused.splice(0)) pause.resume();
  await server?.stop();
  server = undefined;
});
afterAll(async () => {
  await postgres?.stop();
  root?.cleanup();
});

const aUser = (email: string) => ({ user: { id: '', age: 40, name: { first: 'Hung', last: 'Database' }, email, phone: '', address: '' } });
const pause = () => {
  const paused1 = pausePostgres(dataDir);
  paused.push(paused1);
  return paused1;
};

test('the driver: a hung statement fails as "unavailable", the repository turns down, and close does not wait for it', async () => {
  // Short bounds for this test; the server's own are PG_TIMEOUTS.
  const timeouts = { ...PG_TIMEOUTS, connectMs: 500, queryMs: 500, closeMs: 500 };
  const driver = new PgDriver(postgresClientConfig(postgres.url, {}), 3, 'test', timeouts);
  await migrate(driver);
  const repository = new SqlUserRepository(driver);
  const changes: boolean[] = [];
  repository.availability.onChange((available) => changes.push(available));
  // A transaction holds a connection while the database stops: what shutdown used to wait for.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const holding = new Promise<void>((resolve) => (started = resolve));
  const transaction = driver.transaction(async (session) => {
    await session.query('SELECT 1');
    started();
    await gate;
    await session.query('SELECT 2');
  });
  await holding;
  const frozen = pause();
  release();
  await expect(transaction).rejects.toThrow('Query read timeout');
  expect(driver.isUnavailable(await transaction.catch((e: unknown) => e))).toBe(true);
  const listed = await repository.list(undefined, 10).catch((e: unknown) => e);
  expect(listed).toBeInstanceOf(RepositoryUnavailableError);
  expect(changes).toEqual([false]);
  // Another statement in flight when the repository closes: close still ends.
  const inFlight = driver.query('SELECT 3').catch((e: unknown) => e);
  await repository.close();
  expect(driver.isUnavailable(await inFlight)).toBe(true);
  frozen.resume();
});

test('users-server: UNAVAILABLE within the bounds (not the deadline), NOT_SERVING for user.UserService, "" SERVING, one line per change; SIGTERM exits while it hangs', async () => {
  server = await startStorageServer(postgres.url, ['--samples=false', '--grace-period=1s']);
  const { client, health } = server;
  expect((await client.create(aUser('before@x.io'))).status?.code).toBe(Status_StatusCode.SUCCESS);
  const userService = watchHealth(health, 'user.UserService');
  expect(await userService.next()).toBe('SERVING');

  const frozen = pause();
  // No deadline on these calls: they used to wait for as long as the database hung.
  expect(await clientErrorOf(client.create(aUser('during@x.io')))).toEqual({ code: 'UNAVAILABLE', details: 'database unavailable' });
  expect(await userService.next()).toBe('NOT_SERVING');
  expect(await clientErrorOf(client.list({}))).toEqual({ code: 'UNAVAILABLE', details: 'database unavailable' });
  expect((await health.check({ service: '' })).status).toBe(ServingStatus.SERVING);

  frozen.resume();
  expect(await userService.next()).toBe('SERVING');
  // A Create that timed out may still be applied when the database resumes (it was sent): an ambiguity any
  // timeout has, which UNAVAILABLE allows (not always safe to retry); a retry then finds the email taken.
  const emails = (await client.list({})).users.map((u) => u.email);
  expect(emails[0]).toBe('before@x.io');
  expect(['before@x.io', 'during@x.io']).toEqual(expect.arrayContaining(emails));
  expect(server.logLines('database unavailable: user.UserService is NOT_SERVING until it answers again')).toEqual([
    expect.objectContaining({ level: 'error', error: 'Query read timeout' }),
  ]);
  expect(server.logLines('database available again: serving user.UserService')).toHaveLength(1);

  // Hung again, with a call waiting on it: SIGTERM still ends the process (the pool is not waited for).
  pause();
  const waiting = client.create(aUser('late@x.io')).catch((e: unknown) => e);
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.logLines('users-server stopped')).toHaveLength(1);
  await waiting;
  expect(server.stdout() + server.stderr()).not.toContain('test-secret-password');
});
