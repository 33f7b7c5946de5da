import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { lockDirectory } from '../../src/repository/sql/directory-lock';
import { Client } from 'pg';
import { requireServerBundle } from '../support/prerequisites';
import { run, SERVER_BIN } from '../support/processes';
import { createTestDatabase, dataRoot, freePort, type TestDatabase } from '../support/postgres';

// `users-server migrate`, schema versions, and start-up errors about the database.
jest.setTimeout(180_000);

let root: ReturnType<typeof dataRoot>;
let database: TestDatabase;
beforeAll(async () => {
  requireServerBundle();
  root = dataRoot('users-grpc-migrate-');
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
  root?.cleanup();
});

// `migrate` comes first, as users-server expects it. Under --logfmt=json its
// one start-up error line is JSON too: each stderr line must be an error object,
// and the tests compare the messages.
const server = async ([first, ...rest]: string[], env: NodeJS.ProcessEnv = {}) => {
  const result = await run(process.execPath, [SERVER_BIN, ...(first === 'migrate' ? [first, '--logfmt=json'] : ['--logfmt=json', ...(first === undefined ? [] : [first])]), ...rest], { env, timeoutMs: 120_000 });
  return { ...result, stderr: errorMessages(result.stderr) };
};
const errorMessages = (stderr: string) =>
  stderr
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const { level, message } = JSON.parse(line) as { level: string; message: string };
      expect(level).toBe('error');
      return `${message}\n`;
    })
    .join('');
const jsonLines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

test('migrate applies the migrations once and exits 0', async () => {
  const first = await server(['migrate', `--database-url=${database.url}`]);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(jsonLines(first.stdout)).toEqual([expect.objectContaining({ level: 'info', message: 'database schema up to date', schema_version: 1, migrations_applied: 1 })]);
  // The log shows where, never the password.
  expect(jsonLines(first.stdout)[0].storage).toBe(database.url.replace(':test-secret-password@', ':***@'));
  const again = await server(['migrate'], { DATABASE_URL: database.url });
  expect(again.code).toBe(0);
  expect(jsonLines(again.stdout)).toEqual([expect.objectContaining({ schema_version: 1, migrations_applied: 0 })]);
});

test('a schema newer than this binary: start and migrate refuse with one line, and change nothing', async () => {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  await client.query("INSERT INTO schema_migrations (version, name) VALUES (2, '0002_from_the_future')");
  try {
    const message = 'the database schema is at version 2, newer than this users-server knows (1): run a newer users-server';
    expect(await server(['--address=127.0.0.1:0', '--metrics-address=', `--database-url=${database.url}`])).toEqual({ code: 1, stdout: '', stderr: `users-server: cannot start: ${message}\n` });
    expect(await server(['migrate', `--database-url=${database.url}`])).toEqual({ code: 1, stdout: '', stderr: `users-server: migrate: ${message}\n` });
    expect((await client.query('SELECT max(version) AS v FROM schema_migrations')).rows).toEqual([{ v: 2 }]);
  } finally {
    await client.query('DELETE FROM schema_migrations WHERE version = 2');
    await client.end();
  }
});

test.each([[[]], [['--database-url=']]])('migrate without a database (%j): exit 2, one line', async (flags) => {
  expect(await server(['migrate', ...flags])).toEqual({ code: 2, stdout: '', stderr: 'users-server: migrate needs --database-url (or DATABASE_URL): the in-memory store has no schema\n' });
});

test('migrate of pglite:memory, which would be gone when migrate exits: exit 2, one line', async () => {
  expect(await server(['migrate', '--database-url=pglite:memory'])).toEqual({
    code: 2,
    stdout: '',
    stderr: 'users-server: migrate needs a store that outlives it (postgres://… or pglite:PATH): pglite:memory is gone when migrate exits\n',
  });
});

test('a bad URL: exit 2, one line naming the setting, never the password', async () => {
  expect(await server([], { DATABASE_URL: 'mysql://root:hunter2@db/users' })).toEqual({
    code: 2,
    stdout: '',
    stderr: 'users-server: invalid DATABASE_URL: unsupported scheme "mysql:": expected postgres://…, postgresql://…, pglite:PATH or pglite:memory (unset for the in-memory store)\n',
  });
  // What is wrong, not a blanket hint about the password.
  const bad = await server(['--database-url=postgres://app:hunter2@db:99999/users']);
  expect(bad).toEqual({ code: 2, stdout: '', stderr: 'users-server: invalid --database-url: port 99999: expected a port number from 1 to 65535\n' });
  // A misspelt parameter would be ignored by node-postgres: sslmod=require would connect in plain text.
  expect(await server(['migrate'], { DATABASE_URL: `${database.url}?sslmod=require&application_name=opsprobe` })).toEqual({
    code: 2,
    stdout: '',
    stderr: 'users-server: invalid DATABASE_URL: unknown parameter "sslmod" (did you mean sslmode?)\n',
  });
});

test('a URL that would show part of its password is refused before use: exit 2, one line, nothing of it echoed', async () => {
  const hint = 'not a valid postgres:// URL (check the characters of the password: percent-encode @ : / ? #)';
  for (const [url, message] of [
    // No //: the password would become the database name, echoed by PostgreSQL, and the host ignored.
    ['postgres:admin:hunter2@db.internal/users', 'expected postgres:// then [USER[:PASSWORD]@]HOST[:PORT]/DATABASE'],
    // An unencoded / or # in the password: its end would be read as host and path, and shown.
    ['postgres://users:Tr0ub4dor@3/hunter2@db.internal:5432/users', hint],
    ['postgres://users:Tr0ub@dor#hunter2@127.0.0.1:5432/users', hint],
  ]) {
    const env = { PGHOST: '127.0.0.1', PGPORT: new URL(database.url).port, PGUSER: 'postgres', PGDATABASE: new URL(database.url).pathname.slice(1) };
    expect(await server(['--address=127.0.0.1:0', '--metrics-address=', `--database-url=${url}`], env)).toEqual({ code: 2, stdout: '', stderr: `users-server: invalid --database-url: ${message}\n` });
    expect(await server(['migrate'], { ...env, DATABASE_URL: url })).toEqual({ code: 2, stdout: '', stderr: `users-server: invalid DATABASE_URL: ${message}\n` });
  }
});

test('?password= is masked like the password; sslpassword, which node-postgres ignores, is refused', async () => {
  const port = await freePort();
  const result = await server(['migrate', `--database-url=postgres://app@127.0.0.1:${port}/users?password=hunter2&sslmode=disable`]);
  expect(result).toEqual({
    code: 1,
    stdout: '',
    // What follows ?password= may be a piece of the password (an unencoded &): not shown either.
    stderr: `users-server: migrate: database unavailable (postgres://app@127.0.0.1:${port}/users?password=***&…): connect ECONNREFUSED 127.0.0.1:${port}\n`,
  });
  expect(await server(['migrate', `--database-url=postgres://app@127.0.0.1:${port}/users?sslpassword=hunter2`])).toEqual({
    code: 2,
    stdout: '',
    stderr: 'users-server: invalid --database-url: parameter "sslpassword": not supported by node-postgres\n',
  });
});

test.each(['abc', '99999'])('PGPORT=%s: exit 2 at once with one line naming PGPORT (was: status 0 and no word, after 5 s)', async (port) => {
  const url = database.url.replace(/:\d+\//, '/');
  const line = `users-server: invalid PGPORT "${port}": expected a port number from 1 to 65535\n`;
  expect(await server(['migrate', `--database-url=${url}`], { PGPORT: port })).toEqual({ code: 2, stdout: '', stderr: line });
  expect(await server(['--address=127.0.0.1:0', '--metrics-address=', '-v', `--database-url=${url}`], { PGPORT: port })).toEqual({ code: 2, stdout: '', stderr: line });
});

test('a ?port= parameter is checked the same way (pg would hand 99999 to net.connect, which throws)', async () => {
  const bad = await server(['migrate', `--database-url=${database.url}?port=99999`]);
  expect(bad).toEqual({ code: 2, stdout: '', stderr: 'users-server: invalid --database-url: port 99999: expected a port number from 1 to 65535\n' });
});

test('PGSSLMODE and PGSSLROOTCERT: a bad mode names PGSSLMODE (exit 2); an unreadable file names PGSSLROOTCERT (exit 1: a resource unusable at start)', async () => {
  expect(await server(['migrate', `--database-url=${database.url}`], { PGSSLMODE: 'prefer' })).toEqual({
    code: 2,
    stdout: '',
    stderr: 'users-server: invalid PGSSLMODE "prefer": not supported: use one of disable, require, verify-ca, verify-full\n',
  });
  const missing = path.join(root.path, 'no-ca.pem');
  const env = { PGSSLMODE: 'verify-full', PGSSLROOTCERT: missing };
  expect(await server(['migrate', `--database-url=${database.url}`], env)).toEqual({
    code: 1,
    stdout: '',
    stderr: `users-server: migrate: invalid PGSSLROOTCERT "${missing}": no such file\n`,
  });
  expect(await server(['--address=127.0.0.1:0', '--metrics-address=', `--database-url=${database.url}`], env)).toEqual({
    code: 1,
    stdout: '',
    stderr: `users-server: cannot start: invalid PGSSLROOTCERT "${missing}": no such file\n`,
  });
});

/** A database of the test's own making on the run's server; dropped with the file's other data. */
async function otherDatabase(name: string, create: string, setUp?: string): Promise<string> {
  const server = new Client({ connectionString: database.url });
  await server.connect();
  try {
    await server.query(`DROP DATABASE IF EXISTS ${name}`);
    await server.query(`CREATE DATABASE ${name} ${create}`);
    others.push(name);
  } finally {
    await server.end();
  }
  const url = new URL(database.url);
  url.pathname = `/${name}`;
  if (setUp) {
    const client = new Client({ connectionString: url.href });
    await client.connect();
    await client.query(setUp);
    await client.end();
  }
  return url.href;
}
const others: string[] = [];
afterAll(async () => {
  // The file's own database is gone by now (the first afterAll): the server's postgres database.
  const url = new URL(database.url);
  url.pathname = '/postgres';
  const server = new Client({ connectionString: url.href });
  await server.connect();
  for (const name of others) await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await server.end();
});

test('libpq\'s form with a user but no host (?host=, here TCP) is taken, and the log names the database really used', async () => {
  const url = new URL(database.url);
  const hostless = `postgres://postgres:${url.password}@${url.pathname}?host=${url.hostname}&port=${url.port}`;
  const result = await server(['migrate', `--database-url=${hostless}`]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(jsonLines(result.stdout)[0].storage).toBe(`postgres://${url.pathname}?host=${url.hostname}&port=${url.port}&user=postgres&password=***`);
});

test('no PGDATABASE and a URL without one: the database named as the user is migrated, and the log says which', async () => {
  const role = `users_role_${process.pid}`;
  const url = new URL(database.url);
  const admin = new Client({ connectionString: database.url });
  await admin.connect();
  try {
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'role-secret'`);
    await otherDatabase(role, `OWNER ${role}`);
    const env = { PGHOST: url.hostname, PGPORT: url.port, PGUSER: role, PGPASSWORD: 'role-secret', DATABASE_URL: 'postgres://' };
    const result = await server(['migrate'], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(jsonLines(result.stdout)).toEqual([expect.objectContaining({ storage: `postgres://${role}:***@${url.host}/${role}`, migrations_applied: 1 })]);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${role} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  }
});

test('a role that may not create in schema public (not the database owner): one line saying what it needs, exit 1', async () => {
  const role = `users_weak_${process.pid}`;
  const url = new URL(database.url);
  const admin = new Client({ connectionString: database.url });
  await admin.connect();
  try {
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'weak-secret'`);
    await otherDatabase(`${role}_db`, '');
    const weakUrl = `postgres://${role}:weak-secret@${url.host}/${role}_db`;
    expect(await server(['migrate', `--database-url=${weakUrl}`])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'users-server: migrate: permission denied for schema public: the role must own the database (or have CREATE on schema public) to create users-server\'s tables and the pg_trgm extension\n',
    });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${role}_db WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  }
});

describe("libpq's reading of the URL, against a real role and database", () => {
  const role = `users_plus_${process.pid}`;
  let admin: Client;
  let url: URL;
  let plusDatabase: string;
  beforeAll(async () => {
    url = new URL(database.url);
    admin = new Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'a+b'`);
    plusDatabase = `users_plus_db_${process.pid}`;
    await otherDatabase(plusDatabase, `OWNER ${role}`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${plusDatabase} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS "users:colon_${process.pid}" WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  test('a + in ?password= is itself (psql connects with a+b; URLSearchParams would send "a b")', async () => {
    const result = await server(['migrate', `--database-url=postgres://${role}@${url.host}/${plusDatabase}?password=a+b`]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(jsonLines(result.stdout)).toEqual([expect.objectContaining({ storage: `postgres://${role}@${url.host}/${plusDatabase}?password=***`, migrations_applied: 1 })]);
  });

  test('a percent-encoded database name is decoded in full: %3A is :', async () => {
    await admin.query(`CREATE DATABASE "users:colon_${process.pid}" OWNER ${role}`);
    const result = await server(['migrate', `--database-url=postgres://${role}:a%2Bb@${url.host}/users%3Acolon_${process.pid}`]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(jsonLines(result.stdout)).toEqual([expect.objectContaining({ storage: `postgres://${role}:***@${url.host}/users%3Acolon_${process.pid}`, migrations_applied: 1 })]);
  });

  test('a port with leading zeros is its number, in the URL, ?port= and PGPORT', async () => {
    const viaUrl = await server(['migrate', `--database-url=postgres://${role}:a%2Bb@${url.hostname}:0${url.port}/${plusDatabase}`]);
    expect(viaUrl).toMatchObject({ code: 0, stderr: '' });
    expect(jsonLines(viaUrl.stdout)).toEqual([expect.objectContaining({ storage: `postgres://${role}:***@${url.host}/${plusDatabase}` })]);
    expect(await server(['migrate', `--database-url=postgres://${role}:a%2Bb@${url.hostname}/${plusDatabase}?port=00${url.port}`])).toMatchObject({ code: 0, stderr: '' });
    expect(await server(['migrate', `--database-url=postgres://${role}:a%2Bb@${url.hostname}/${plusDatabase}`], { PGPORT: `0${url.port}` })).toMatchObject({ code: 0, stderr: '' });
  });
});

test('sslmode=disable: SSL files named in PGSSL* or the URL are neither read nor checked, as libpq (the connection is plain)', async () => {
  const missing = path.join(root.path, 'no-such.pem');
  const env = { PGSSLROOTCERT: missing, PGSSLCERT: missing, PGSSLKEY: missing };
  expect(await server(['migrate', `--database-url=${database.url}?sslmode=disable`], env)).toMatchObject({ code: 0, stderr: '' });
  expect(await server(['migrate', `--database-url=${database.url}`], { ...env, PGSSLMODE: 'disable' })).toMatchObject({ code: 0, stderr: '' });
  expect(await server(['migrate', `--database-url=${database.url}?sslmode=disable&sslrootcert=${missing}`])).toMatchObject({ code: 0, stderr: '' });
});

test('a socket directory with no server: exit 1, "database unavailable" naming the connection, as over TCP', async () => {
  const socket = path.join(root.path, '.s.PGSQL.5432');
  const where = `postgres:///users?host=${encodeURIComponent(root.path)}&user=app`;
  expect(await server(['migrate', `--database-url=postgres://app@/users?host=${root.path}`])).toEqual({
    code: 1,
    stdout: '',
    stderr: `users-server: migrate: database unavailable (${where}): connect ENOENT ${socket}\n`,
  });
  expect(await server(['--address=127.0.0.1:0', '--metrics-address=', `--database-url=postgres://%2F${root.path.slice(1).replaceAll('/', '%2F')}/users`], { PGUSER: 'app' })).toEqual({
    code: 1,
    stdout: '',
    stderr: `users-server: cannot start: database unavailable (postgres://app@${encodeURIComponent(root.path)}/users): connect ENOENT ${socket}\n`,
  });
  expect(await server(['migrate', '--database-url=postgres:///users'], { PGHOST: root.path, PGUSER: 'app' })).toEqual({
    code: 1,
    stdout: '',
    stderr: `users-server: migrate: database unavailable (${where}): connect ENOENT ${socket}\n`,
  });
});

test('a database that is not UTF8: exit 1, one line saying it must be (before any migration runs)', async () => {
  const url = await otherDatabase(`users_latin1_${process.pid}`, "ENCODING 'LATIN1' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'");
  const message = "the database's encoding is LATIN1: users-server needs a UTF8 database (CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0)";
  expect(await server(['migrate', `--database-url=${url}`])).toEqual({ code: 1, stdout: '', stderr: `users-server: migrate: ${message}\n` });
  expect(await server(['--address=127.0.0.1:0', '--metrics-address=', `--database-url=${url}`])).toEqual({ code: 1, stdout: '', stderr: `users-server: cannot start: ${message}\n` });
});

test('a users table users-server did not create: exit 1, one line saying so and what to do; the table is left as it was', async () => {
  const url = await otherDatabase(`users_foreign_${process.pid}`, '', "CREATE TABLE users (login text PRIMARY KEY); INSERT INTO users VALUES ('theirs')");
  expect(await server(['migrate', `--database-url=${url}`])).toEqual({
    code: 1,
    stdout: '',
    stderr:
      'users-server: migrate: migration 0001_create_users: relation "users" already exists, but users-server did not create it (schema_migrations has no version): use an empty database, or drop or rename that table\n',
  });
  const client = new Client({ connectionString: url });
  await client.connect();
  expect((await client.query('SELECT login FROM users')).rows).toEqual([{ login: 'theirs' }]);
  await client.end();
});

test('a start-up or migrate whose work stops with nothing left to wait for exits 1 with one line, never status 0 in silence', async () => {
  const env = { NODE_OPTIONS: '--require=./test/support/stalled-start.js' };
  const stalled = 'start-up stopped with nothing left to wait for (a bug: run with -v and report it)';
  expect(await server(['migrate', `--database-url=${database.url}`], env)).toEqual({ code: 1, stdout: '', stderr: `users-server: migrate: ${stalled}\n` });
  expect(await server(['--address=127.0.0.1:0', '--metrics-address=', `--database-url=${database.url}`], env)).toEqual({
    code: 1,
    stdout: '',
    stderr: `users-server: cannot start: ${stalled}\n`,
  });
});

test('an unreachable database at start: exit 1, one line without the password', async () => {
  const port = await freePort();
  const result = await server(['--address=127.0.0.1:0', '--metrics-address=', `--database-url=postgres://app:hunter2@127.0.0.1:${port}/users`]);
  expect(result).toEqual({
    code: 1,
    stdout: '',
    stderr: `users-server: cannot start: database unavailable (postgres://app:***@127.0.0.1:${port}/users): connect ECONNREFUSED 127.0.0.1:${port}\n`,
  });
});

test('the built dist/ carries its migrations and PGlite: it migrates from a copy far from node_modules', async () => {
  const copy = path.join(root.path, 'dist');
  cpSync(path.dirname(SERVER_BIN), copy, { recursive: true });
  const result = await run(process.execPath, [path.join(copy, 'users-server.js'), 'migrate', '--logfmt=json', `--database-url=pglite:${path.join(root.path, 'db')}`], { cwd: root.path, timeoutMs: 120_000 });
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(jsonLines(result.stdout)).toEqual([expect.objectContaining({ message: 'database schema up to date', storage: `pglite:${path.join(root.path, 'db')}`, schema_version: 1, migrations_applied: 1 })]);
});

test('migrate on a pglite: directory another users-server holds: refused, exit 1, one line', async () => {
  const dir = path.join(root.path, 'held');
  // This jest process holds it as a users-server would: its lock is refreshed.
  const lock = await lockDirectory(dir);
  try {
    const result = await run(process.execPath, [SERVER_BIN, 'migrate', `--database-url=pglite:${dir}`], { timeoutMs: 120_000 });
    expect(result).toEqual({
      code: 1,
      stdout: expect.stringContaining(`WARN  pglite:${dir} is locked (${path.join(dir, 'users-server.lock')}) by another users-server`) as unknown,
      stderr: `users-server: migrate: pglite:${dir} is in use by another users-server (its lock ${path.join(dir, 'users-server.lock')} is being refreshed): a pglite: directory serves one users-server at a time\n`,
    });
    expect(readdirSync(dir)).toEqual(['users-server.lock']);
  } finally {
    await lock.release();
  }
});
