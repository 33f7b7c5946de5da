import { PgDriver } from '../../src/repository/sql/pg-driver';
import { postgresClientConfig } from '../../src/repository/sql/postgres-client-config';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

// What the URL's parameters set on a real connection.
jest.setTimeout(60_000);

let database: TestDatabase;
beforeAll(async () => (database = await createTestDatabase()));
afterAll(() => database?.drop());

async function setting(query: string, name: string): Promise<string> {
  const url = new URL(database.url);
  url.search = query;
  const driver = new PgDriver(postgresClientConfig(url.href, {}), 1, 'test');
  try {
    return (await driver.query<{ value: string }>('SELECT current_setting($1) AS value', [name]))[0].value;
  } finally {
    await driver.close();
  }
}

test.each([
  ['', 'users-server'],
  ['application_name=opsprobe', 'opsprobe'],
  // users-server's name is a fallback, as libpq's: one given in the URL wins.
  ['fallback_application_name=batch', 'batch'],
])('application_name with ?%s is %j', async (query, name) => {
  expect(await setting(query, 'application_name')).toBe(name);
});

test('options, lock_timeout and idle_in_transaction_session_timeout reach the session', async () => {
  expect(await setting('options=-c%20search_path%3Dapp', 'search_path')).toBe('app');
  expect(await setting('lock_timeout=1500', 'lock_timeout')).toBe('1500ms');
  expect(await setting('idle_in_transaction_session_timeout=60000', 'idle_in_transaction_session_timeout')).toBe('1min');
});
