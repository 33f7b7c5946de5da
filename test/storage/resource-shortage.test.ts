import { Client } from 'pg';
import { clientErrorOf } from '../support/client-errors';
import { ServingStatus } from '../support/health-client';
import { requireServerBundle } from '../support/prerequisites';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { run, SERVER_BIN } from '../support/processes';
import { startStorageServer, type StorageServer } from '../support/storage-server';

// A database that answers but lacks a resource (SQLSTATE class 53: too many
// connections; 57014: a statement past statement_timeout) is not down: the
// call is refused with UNAVAILABLE "database overloaded", health stays
// SERVING (no flapping each second), and the log says so at most once a minute.
jest.setTimeout(180_000);

const ROLE = `users_limited_${process.pid}`;
let database: TestDatabase;
let admin: Client;
let server: StorageServer | undefined;
let limitedUrl: string;
beforeAll(async () => {
  requireServerBundle();
  database = await createTestDatabase();
  admin = new Client({ connectionString: database.url });
  await admin.connect();
  // One connection for the role: users-server's second one is refused with 53300 too_many_connections.
  await admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD 'limited-secret' CONNECTION LIMIT 1`);
  const name = new URL(database.url).pathname.slice(1);
  await admin.query(`ALTER DATABASE ${name} OWNER TO ${ROLE}`);
  const url = new URL(database.url);
  url.username = ROLE;
  url.password = 'limited-secret';
  limitedUrl = url.href;
});
afterAll(async () => {
  await server?.stop();
  await admin?.end();
  await database?.drop();
  const cleanup = new Client({ connectionString: database.url.replace(/\/[^/]*$/, '/postgres') });
  await cleanup.connect();
  await cleanup.query(`DROP ROLE IF EXISTS ${ROLE}`);
  await cleanup.end();
});

/** Resolves once `condition` (a query of pg_stat_activity by the admin connection) finds a row. */
async function waitFor(condition: string): Promise<void> {
  for (;;) {
    const { rows } = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE usename = $1 AND ${condition}`, [ROLE]);
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resolves once the role holds no connection (its slot is free). */
async function waitForNoConnection(): Promise<void> {
  for (;;) {
    const { rows } = await admin.query('SELECT count(*)::integer AS n FROM pg_stat_activity WHERE usename = $1', [ROLE]);
    if (rows[0].n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('too many connections, then a statement timeout: UNAVAILABLE "database overloaded", health SERVING, one log line', async () => {
  server = await startStorageServer(limitedUrl, ['--samples=false', '--database-pool-size=2']);
  const { client, health } = server;
  expect((await client.list({})).users).toEqual([]);

  // The server's idle connection closes by itself (the pool's idle timeout, 10 s); the test then takes the role's one connection.
  await waitForNoConnection();
  const hold = new Client({ connectionString: limitedUrl });
  await hold.connect();
  try {
    // Every call needs a connection, which PostgreSQL refuses (53300 too_many_connections).
    expect(await clientErrorOf(client.searchName({ query: 'a' }))).toEqual({ code: 'UNAVAILABLE', details: 'database overloaded' });
    expect(await clientErrorOf(client.getByEmail({ email: 'a@x.io' }))).toEqual({ code: 'UNAVAILABLE', details: 'database overloaded' });
    expect(await clientErrorOf(client.list({}))).toEqual({ code: 'UNAVAILABLE', details: 'database overloaded' });
    expect((await health.check({ service: 'user.UserService' })).status).toBe(ServingStatus.SERVING);
  } finally {
    await hold.end();
  }
  expect((await client.list({})).users).toEqual([]);

  // A statement that waits past statement_timeout is cancelled by the database (57014): the same answer.
  await admin.query('BEGIN');
  await admin.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
  try {
    const blocked = clientErrorOf(client.list({}));
    await waitFor("wait_event_type = 'Lock'");
    expect(await blocked).toEqual({ code: 'UNAVAILABLE', details: 'database overloaded' });
  } finally {
    await admin.query('ROLLBACK');
  }

  expect((await client.list({})).users).toEqual([]);
  expect((await health.check({ service: 'user.UserService' })).status).toBe(ServingStatus.SERVING);
  expect(server.logLines('database unavailable: user.UserService is NOT_SERVING until it answers again')).toEqual([]);
  // Four refusals, one line: the first (the next would come a minute later at the earliest, with the count).
  expect(server.logLines('database short of resources: calls refused, user.UserService stays SERVING')).toEqual([
    expect.objectContaining({ level: 'warn', error: `too many connections for role "${ROLE}"`, refused_calls: 1 }),
  ]);
  expect(server.stdout() + server.stderr()).not.toContain('limited-secret');
});

test('no connection to be had at start: exit 1, one line saying what the database refused', async () => {
  await server?.stop();
  server = undefined;
  await waitForNoConnection();
  const hold = new Client({ connectionString: limitedUrl });
  await hold.connect();
  try {
    const result = await run(process.execPath, [SERVER_BIN, 'migrate', `--database-url=${limitedUrl}`], { timeoutMs: 120_000 });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `users-server: migrate: database short of resources (${limitedUrl.replace(':limited-secret@', ':***@')}): too many connections for role "${ROLE}"\n`,
    });
  } finally {
    await hold.end();
  }
});
