import { Client } from 'pg';
import { Status_StatusCode } from '../../gen/user/user';
import { clientErrorOf } from '../support/client-errors';
import { ServingStatus, watchHealth } from '../support/health-client';
import { requireServerBundle } from '../support/prerequisites';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startStorageServer, type StorageServer } from '../support/storage-server';

// The users table gone while users-server runs (renamed, or dropped by a
// `pg_restore --clean` under way): UNAVAILABLE "database schema missing" (never
// the SQL error), user.UserService NOT_SERVING, one log line per change of
// state (not an error with a stack per call), and recovery by itself once the
// table is back.
jest.setTimeout(180_000);

let database: TestDatabase;
let admin: Client;
let server: StorageServer | undefined;
beforeAll(async () => {
  requireServerBundle();
  database = await createTestDatabase();
  admin = new Client({ connectionString: database.url });
  await admin.connect();
});
afterAll(async () => {
  await server?.stop();
  await admin?.end();
  await database?.drop();
});

const aUser = (email: string) => ({ user: { id: '', age: 40, name: { first: 'Miss', last: 'Ing' }, email, phone: '', address: '' } });
const MISSING = { code: 'UNAVAILABLE', details: 'database schema missing' };

test('users table renamed away: UNAVAILABLE "database schema missing", NOT_SERVING, one line; renamed back: SERVING with its users', async () => {
  server = await startStorageServer(database.url, ['--samples=false']);
  const { client, health } = server;
  expect((await client.create(aUser('before@x.io'))).status?.code).toBe(Status_StatusCode.SUCCESS);
  const userService = watchHealth(health, 'user.UserService');
  expect(await userService.next()).toBe('SERVING');

  await admin.query('ALTER TABLE users RENAME TO users_away');
  expect(await clientErrorOf(client.list({}))).toEqual(MISSING);
  expect(await userService.next()).toBe('NOT_SERVING');
  // A burst of calls of every kind: each refused the same way, without another line.
  const burst = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      clientErrorOf([() => client.list({}), () => client.create(aUser(`during${i}@x.io`)), () => client.getByEmail({ email: 'before@x.io' }), () => client.searchName({ query: 'mi' })][i % 4]()),
    ),
  );
  expect(burst).toEqual(Array(20).fill(MISSING));
  expect((await health.check({ service: 'user.UserService' })).status).toBe(ServingStatus.NOT_SERVING);
  expect((await health.check({ service: '' })).status).toBe(ServingStatus.SERVING);

  await admin.query('ALTER TABLE users_away RENAME TO users');
  expect(await userService.next()).toBe('SERVING');
  expect((await client.list({})).users.map((u) => u.email)).toEqual(['before@x.io']);

  expect(server.logLines('database schema missing: user.UserService is NOT_SERVING until the users table is back')).toEqual([
    expect.objectContaining({ level: 'error', error: 'relation "users" does not exist' }),
  ]);
  expect(server.logLines('database available again: serving user.UserService')).toHaveLength(1);
  expect(server.logLines('database unavailable: user.UserService is NOT_SERVING until it answers again')).toEqual([]);
  expect(server.logLines('unexpected error in call')).toEqual([]);
  // No stack trace anywhere.
  expect(server.stdout() + server.stderr()).not.toMatch(/\n\s+at /);
});

test('dropped and restored as pg_restore --clean does: the same, and the restored users are served', async () => {
  await server?.stop();
  server = await startStorageServer(database.url, ['--samples=false']);
  const { client, health } = server;
  const userService = watchHealth(health, 'user.UserService');
  expect(await userService.next()).toBe('SERVING');

  // What a dump of it holds, then the --clean part of the restore.
  await admin.query('CREATE TABLE users_dump AS TABLE users');
  await admin.query('BEGIN');
  await admin.query('CREATE TABLE users_new (LIKE users INCLUDING ALL)');
  await admin.query('DROP TABLE users');
  await admin.query('COMMIT');
  expect(await clientErrorOf(client.getByEmail({ email: 'before@x.io' }))).toEqual(MISSING);
  expect(await userService.next()).toBe('NOT_SERVING');

  await admin.query('BEGIN');
  await admin.query('ALTER TABLE users_new RENAME TO users');
  await admin.query('INSERT INTO users SELECT * FROM users_dump');
  await admin.query('COMMIT');
  expect(await userService.next()).toBe('SERVING');
  expect((await client.getByEmail({ email: 'before@x.io' })).user?.email).toBe('before@x.io');
  expect(server.logLines('database schema missing: user.UserService is NOT_SERVING until the users table is back')).toHaveLength(1);
  expect(server.logLines('database available again: serving user.UserService')).toHaveLength(1);
  expect(server.logLines('unexpected error in call')).toEqual([]);
});

test('restored as pg_restore does it, the table before its indexes: no Create is stored meanwhile (one email would be stored twice), then served again', async () => {
  await server?.stop();
  server = await startStorageServer(database.url, ['--samples=false']);
  const { client, health } = server;
  expect((await client.create(aUser('twice@x.io'))).status?.code).toBe(Status_StatusCode.SUCCESS);
  const userService = watchHealth(health, 'user.UserService');
  expect(await userService.next()).toBe('SERVING');

  // pg_restore --clean: drop, create the table bare, copy the rows; the primary key and the indexes come last.
  await admin.query('CREATE TABLE users_saved AS TABLE users');
  await admin.query('DROP TABLE users');
  await admin.query('CREATE TABLE users (LIKE users_saved)');
  await admin.query('INSERT INTO users SELECT * FROM users_saved');
  expect(await clientErrorOf(client.create(aUser('twice@x.io')))).toEqual(MISSING);
  expect(await clientErrorOf(client.create(aUser('TWICE@x.io')))).toEqual(MISSING);
  expect(await userService.next()).toBe('NOT_SERVING');
  expect((await admin.query("SELECT count(*)::integer AS n FROM users WHERE email_key = 'twice@x.io'")).rows).toEqual([{ n: 1 }]);

  await admin.query('ALTER TABLE users ADD PRIMARY KEY (id)');
  await admin.query('CREATE UNIQUE INDEX users_email_key ON users (email_key)');
  expect(await userService.next()).toBe('SERVING');
  const again = await client.create(aUser('twice@x.io'));
  expect(again.status).toEqual({ code: Status_StatusCode.FAILED, msg: 'email already exists' });
  expect((await client.create(aUser('new@x.io'))).status?.code).toBe(Status_StatusCode.SUCCESS);
  expect(server.logLines('database schema missing: user.UserService is NOT_SERVING until the users table is back')).toEqual([
    expect.objectContaining({ level: 'error', error: 'there is no unique or exclusion constraint matching the ON CONFLICT specification' }),
  ]);
  expect(server.logLines('unexpected error in call')).toEqual([]);
});
