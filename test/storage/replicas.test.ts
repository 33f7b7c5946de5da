import { Client } from 'pg';
import { Status_StatusCode } from '../../gen/user/user';
import { requireServerBundle } from '../support/prerequisites';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startStorageServer, type StorageServer } from '../support/storage-server';

// Several users-server replicas on one PostgreSQL database.
jest.setTimeout(180_000);

let database: TestDatabase;
let servers: StorageServer[] = [];
beforeAll(async () => {
  requireServerBundle();
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await database?.drop();
});

async function sql<Row>(text: string): Promise<Row[]> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(text)).rows as Row[];
  } finally {
    await client.end();
  }
}

test('two servers start at once on an empty database: both serve, one schema, the samples once', async () => {
  // Samples on (the default): both find the store empty and load the same users at the same time.
  servers = await Promise.all([startStorageServer(database.url), startStorageServer(database.url)]);
  for (const server of servers) {
    const response = await server.client.list({});
    expect(response.status?.code).toBe(Status_StatusCode.SUCCESS);
    expect(response.users).toHaveLength(32);
  }
  expect(await sql('SELECT version, name FROM schema_migrations')).toEqual([{ version: 1, name: '0001_create_users' }]);
  expect(await sql('SELECT count(*)::integer AS tables FROM pg_tables WHERE tablename = \'users\'')).toEqual([{ tables: 1 }]);
  const applied = servers.map((s) => s.logLines('storage opened')[0].migrations_applied).sort();
  expect(applied).toEqual([0, 1]);
});

test('50 concurrent creates of one email through two servers: exactly one SUCCESS', async () => {
  const attempts = Array.from({ length: 50 }, (_, i) =>
    servers[i % 2].client.create({
      // The same email in several spellings of one key.
      user: { id: '', age: 33, name: { first: 'Race', last: `R${i}` }, email: i % 3 === 0 ? 'Race@X.io' : 'race@x.io', phone: '', address: '' },
    }),
  );
  const statuses = (await Promise.all(attempts)).map((r) => r.status);
  expect(statuses.filter((s) => s?.code === Status_StatusCode.SUCCESS)).toHaveLength(1);
  expect(statuses.filter((s) => s?.code !== Status_StatusCode.SUCCESS)).toEqual(Array(49).fill({ code: Status_StatusCode.FAILED, msg: 'email already exists' }));
  expect(await sql("SELECT count(*)::integer AS n FROM users WHERE email_key = 'race@x.io'")).toEqual([{ n: 1 }]);
});

test('a restarted replica finds users and loads no samples again', async () => {
  await servers[0].stop();
  servers[0] = await startStorageServer(database.url);
  expect(servers[0].logLines('sample users not loaded: the store already holds users')).toEqual([
    expect.objectContaining({ level: 'info', count: 33 }),
  ]);
  expect((await servers[0].client.list({})).users).toHaveLength(33);
});
