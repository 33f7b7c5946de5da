import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { toUserRecord } from '../../src/domain/user-record';
import { requireServerBundle } from '../support/prerequisites';
import { run, SERVER_BIN } from '../support/processes';
import { createTestDatabase, dataRoot, type TestDatabase } from '../support/postgres';
import { spawnServer, type SpawnedServer } from '../support/spawned-server';
import { startStorageServer, type StorageServer } from '../support/storage-server';
import { aUser } from '../support/users';

// Sample users load in one transaction: a server killed, or stopped by a bad
// entry, midway leaves none of them, so the next start loads the whole set
// (the store is empty) instead of refusing it for a partial one forever.
jest.setTimeout(180_000);

const COUNT = 200;
const samples = Array.from({ length: COUNT }, (_, i) => aUser({ id: `s${i}`, email: `s${String(i).padStart(3, '0')}@samples.test`, lastName: `N${i}` }));

let root: ReturnType<typeof dataRoot>;
const spawned: SpawnedServer[] = [];
const servers: StorageServer[] = [];
beforeAll(() => {
  requireServerBundle();
  root = dataRoot('users-grpc-samples-');
});
afterEach(async () => {
  for (const server of spawned.splice(0)) server.kill();
  for (const server of servers.splice(0)) await server.stop();
});
afterAll(() => root?.cleanup());

function samplesFile(name: string, users: unknown[]): string {
  const file = path.join(root.path, name);
  writeFileSync(file, JSON.stringify(users));
  return file;
}

async function loadedOnRestart(databaseUrl: string, file: string): Promise<number> {
  const server = await startStorageServer(databaseUrl, [`--samples-file=${file}`]);
  servers.push(server);
  expect(server.logLines('sample users not loaded: the store already holds users')).toEqual([]);
  expect(server.logLines('sample users loaded')).toMatchObject([{ count: COUNT }]);
  return (await server.client.list({})).users.length;
}

describe('PostgreSQL', () => {
  let database: TestDatabase;
  // One session holds a row in a transaction; the other watches the server's sessions (pg_stat_activity
  // is a snapshot taken once per transaction, so the holder's would never change).
  let holder: Client;
  let watcher: Client;
  beforeAll(async () => {
    database = await createTestDatabase();
    expect((await run(process.execPath, [SERVER_BIN, 'migrate', `--database-url=${database.url}`])).code).toBe(0);
    holder = new Client({ connectionString: database.url, application_name: 'users-grpc-test' });
    watcher = new Client({ connectionString: database.url, application_name: 'users-grpc-test' });
    await holder.connect();
    await watcher.connect();
  });
  afterAll(async () => {
    await holder?.end();
    await watcher?.end();
    await database?.drop();
  });

  const serverSessions = async () =>
    (await watcher.query<{ wait_event_type: string | null; query: string }>(
      `SELECT wait_event_type, query FROM pg_stat_activity WHERE datname = current_database() AND application_name <> 'users-grpc-test'`,
    )).rows;

  test('users-server killed while loading samples: none of them stay, and the next start loads them all', async () => {
    // The test holds an uncommitted row with the 101st user's email: the load inserts the first 100, then waits on it.
    const blocker = toUserRecord(samples[100]);
    await holder.query('BEGIN');
    await holder.query(
      'INSERT INTO users (id, email_key, email, first_name, last_name, folded_first_name, folded_last_name, age, phone, address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      ['holder', blocker.emailKey, blocker.user.email, '', '', '', '', 1, '', ''],
    );
    const file = samplesFile('pg-samples.json', samples);
    const server = spawnServer(['--address=127.0.0.1:0', '--metrics-address=', '--logfmt=json', `--database-url=${database.url}`, `--samples-file=${file}`]);
    spawned.push(server);
    // A state to reach, not a delay: the load's insert of user 101 waiting on the held row.
    while (!(await serverSessions()).some((b) => b.wait_event_type === 'Lock' && b.query.startsWith('INSERT INTO users'))) {
      if (server.child.exitCode !== null) throw new Error(`users-server exited before waiting on the held row: ${server.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    server.child.kill('SIGKILL');
    expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(server.stdout()).not.toContain('users-server started');
    await holder.query('ROLLBACK');
    // PostgreSQL ends the killed server's sessions (rolling back what they had not committed) once it sees them gone.
    while ((await serverSessions()).length > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await holder.query('SELECT count(*)::integer AS count FROM users')).rows).toEqual([{ count: 0 }]);

    expect(await loadedOnRestart(database.url, file)).toBe(COUNT);
  });
});

test('a pglite: directory: a samples file refused at user 151 stores none of it; fixed, the next start loads it whole', async () => {
  const url = `pglite:${path.join(root.path, 'pglite')}`;
  const file = samplesFile('pglite-samples.json', [...samples.slice(0, 150), { ...samples[150], age: 151 }, ...samples.slice(151)]);
  const refused = await run(process.execPath, [SERVER_BIN, '--address=127.0.0.1:0', '--metrics-address=', `--database-url=${url}`, `--samples-file=${file}`], { timeoutMs: 120_000 });
  expect({ code: refused.code, stderr: refused.stderr }).toEqual({ code: 1, stderr: `users-server: samples file ${file}: user 151 (s150@samples.test): user.age must be between 0 and 150, got 151\n` });

  expect(await loadedOnRestart(url, samplesFile('pglite-samples.json', samples))).toBe(COUNT);
});
