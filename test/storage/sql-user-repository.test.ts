import path from 'node:path';
import { migrate } from '../../src/repository/sql/migrate';
import { PgDriver } from '../../src/repository/sql/pg-driver';
import { PgliteDriver } from '../../src/repository/sql/pglite-driver';
import { postgresClientConfig } from '../../src/repository/sql/postgres-client-config';
import type { SqlDriver } from '../../src/repository/sql/sql-driver';
import { SqlUserRepository } from '../../src/repository/sql/sql-user-repository';
import { toUserRecord } from '../../src/domain/user-record';
import { describeControlCharacterContract, describeNameSearchContract, describePagingContract, describeUserRepositoryContract } from '../unit/user-repository.contract';
import { createTestDatabase, dataRoot, type TestDatabase } from '../support/postgres';
import { aUser } from '../support/users';

// The SQL repository, on each of its drivers, against the UserRepository contract.
// One database per backend for the whole file (PGlite's WASM start is ~2 s a time):
// each test gets it emptied, and a repository whose close leaves the database open.
jest.setTimeout(120_000);

function describeSqlBackend(name: string, open: () => Promise<SqlDriver>, after: () => Promise<void> = async () => {}) {
  describe(name, () => {
    let driver: SqlDriver;
    beforeAll(async () => {
      driver = await open();
      await migrate(driver);
    });
    afterAll(async () => {
      await driver?.close();
      await after();
    });
    const emptied = async () => {
      await driver.exec('TRUNCATE users');
      return new SqlUserRepository(Object.assign(Object.create(driver) as SqlDriver, { close: async () => {} }));
    };
    describeUserRepositoryContract(`SqlUserRepository on ${name}`, emptied);
    describePagingContract(`SqlUserRepository on ${name}`, emptied);
    describeNameSearchContract(`SqlUserRepository on ${name}`, emptied);
    describeControlCharacterContract(`SqlUserRepository on ${name}`, emptied);

    test('insertAll is one transaction: a statement failing midway leaves none of the set, and the store takes the set again', async () => {
      const repository = await emptied();
      const set = ['a', 'b', 'c', 'd'].map((n) => toUserRecord(aUser({ id: n, email: `${n}@x.io` })));
      // The repository stores records as given; PostgreSQL text cannot hold U+0000, so the third insert fails.
      const broken = { ...set[2], user: { ...set[2].user, firstName: 'C\u0000' } };
      await expect(repository.insertAll([set[0], set[1], broken, set[3]])).rejects.toThrow('invalid byte sequence for encoding "UTF8": 0x00');
      expect(await repository.count()).toBe(0);
      expect(await repository.insertAll(set)).toEqual(Array(4).fill({ inserted: true }));
      expect(await repository.list(undefined, 10)).toEqual(set);
      await repository.close();
    });
  });
}

let root: ReturnType<typeof dataRoot>;
let database: TestDatabase | undefined;
beforeAll(() => (root = dataRoot('users-grpc-sql-')));
afterAll(() => root.cleanup());

describeSqlBackend('pglite:memory', () => PgliteDriver.open(undefined));
describeSqlBackend('a pglite: directory', () => PgliteDriver.open(path.join(root.path, 'pglite')));
describeSqlBackend(
  'PostgreSQL',
  async () => {
    database = await createTestDatabase();
    return new PgDriver(postgresClientConfig(database.url, {}), 10, 'test');
  },
  async () => database?.drop(),
);

test('a pglite: directory keeps its users and its schema across a close and a reopen', async () => {
  const dataDir = path.join(root.path, 'reopened');
  const first = await PgliteDriver.open(dataDir);
  expect(await migrate(first)).toEqual({ applied: [1], version: 1 });
  const repository = new SqlUserRepository(first);
  const alice = toUserRecord(aUser({ id: 'a', email: 'alice@x.io' }));
  expect(await repository.insert(alice)).toEqual({ inserted: true });
  await repository.close();

  const second = await PgliteDriver.open(dataDir);
  expect(await migrate(second)).toEqual({ applied: [], version: 1 });
  const reopened = new SqlUserRepository(second);
  expect(await reopened.list(undefined, 10)).toEqual([alice]);
  await reopened.close();
});
