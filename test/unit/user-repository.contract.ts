import { foldForSearch } from '../../src/domain/text-folding';
import type { User } from '../../src/domain/user';
import type { UserRepository } from '../../src/repository/user-repository';
import { aUser } from '../support/users';

const byEmail = (a: User, b: User) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0);
const sorted = (users: User[]) => [...users].sort(byEmail);

/**
 * What every UserRepository must do, whatever stores the users. A new
 * implementation (PostgreSQL) calls this with a factory of empty repositories.
 */
export function describeUserRepositoryContract(name: string, factory: () => Promise<UserRepository> | UserRepository): void {
  describe(`${name} (UserRepository contract)`, () => {
    let repository: UserRepository;
    beforeEach(async () => {
      repository = await factory();
    });
    afterEach(async () => {
      await expect(repository.close()).resolves.toBeUndefined();
    });

    const alice = aUser({ id: 'id-alice', email: 'Alice@x.io', firstName: 'Alice', lastName: 'Martin', age: 30 });
    const mael = aUser({ id: 'id-mael', email: 'mael@x.io', firstName: 'Maël', lastName: 'Valadier', age: 34 });
    const jose = aUser({ id: 'id-jose', email: 'jose@x.io', firstName: 'José', lastName: 'Carvalho', age: 47 });

    async function insertAll(...users: User[]) {
      for (const user of users) expect(await repository.insert(user)).toEqual({ inserted: true });
    }

    test('starts empty', async () => {
      expect(await repository.count()).toBe(0);
      expect(await repository.list()).toEqual([]);
    });

    test('insert stores the user exactly as given', async () => {
      await insertAll(alice);
      expect(await repository.count()).toBe(1);
      expect(await repository.list()).toEqual([alice]);
      expect(await repository.findByEmail('Alice@x.io')).toEqual(alice);
    });

    test('insert refuses an email already taken, in any case, and keeps the first user', async () => {
      await insertAll(alice);
      expect(await repository.insert(aUser({ id: 'other', email: 'alice@X.IO', firstName: 'Other' }))).toEqual({ inserted: false, reason: 'email-taken' });
      expect(await repository.count()).toBe(1);
      expect(await repository.list()).toEqual([alice]);
    });

    test('insert refuses an id already taken and keeps the first user', async () => {
      await insertAll(alice);
      expect(await repository.insert(aUser({ id: 'id-alice', email: 'bob@x.io' }))).toEqual({ inserted: false, reason: 'id-taken' });
      expect(await repository.findByEmail('bob@x.io')).toBeUndefined();
      expect(await repository.count()).toBe(1);
    });

    test('of concurrent inserts of one email, exactly one succeeds', async () => {
      const emails = ['race@x.io', 'RACE@x.io', 'Race@X.io', 'race@X.IO', 'rAcE@x.io', 'RaCe@x.io'];
      const results = await Promise.all(emails.map((email, i) => repository.insert(aUser({ id: `race-${i}`, email }))));
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      expect(results.filter((r) => !r.inserted)).toEqual(Array(emails.length - 1).fill({ inserted: false, reason: 'email-taken' }));
      expect(await repository.count()).toBe(1);
    });

    test('of concurrent inserts of one id, exactly one succeeds', async () => {
      const results = await Promise.all([1, 2, 3, 4].map((n) => repository.insert(aUser({ id: 'same', email: `u${n}@x.io` }))));
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      expect(results.filter((r) => !r.inserted)).toEqual(Array(3).fill({ inserted: false, reason: 'id-taken' }));
      expect(await repository.count()).toBe(1);
    });

    test('findByEmail is case-insensitive and undefined for an unknown email', async () => {
      await insertAll(alice, mael);
      expect(await repository.findByEmail('alice@x.io')).toEqual(alice);
      expect(await repository.findByEmail('ALICE@X.IO')).toEqual(alice);
      expect(await repository.findByEmail('MAEL@x.io')).toEqual(mael);
      expect(await repository.findByEmail('bob@x.io')).toBeUndefined();
    });

    test('list returns every user (any order)', async () => {
      await insertAll(jose, alice, mael);
      expect(sorted(await repository.list())).toEqual(sorted([alice, mael, jose]));
    });

    test('searchName matches a folded query in the first or the last name', async () => {
      await insertAll(alice, mael, jose);
      const search = async (query: string) => sorted(await repository.searchName(foldForSearch(query)));
      expect(await search('Maël')).toEqual([mael]);
      expect(await search('mael')).toEqual([mael]);
      expect(await search('JOSÉ')).toEqual([jose]);
      expect(await search('martin')).toEqual([alice]);
      // Carvalho and Valadier.
      expect(await search('val')).toEqual(sorted([jose, mael]));
      expect(await search('nobody')).toEqual([]);
    });

    test('searchAge includes both bounds', async () => {
      await insertAll(alice, mael, jose);
      expect(sorted(await repository.searchAge(30, 34))).toEqual(sorted([alice, mael]));
      expect(sorted(await repository.searchAge(34, 47))).toEqual(sorted([mael, jose]));
      expect(await repository.searchAge(31, 33)).toEqual([]);
    });

    test('keeps a copy: changing the inserted object later changes nothing stored', async () => {
      const user = { ...alice };
      await insertAll(user);
      user.firstName = 'Mallory';
      user.email = 'mallory@x.io';
      expect(await repository.list()).toEqual([alice]);
    });

    test('returns copies: changing returned users changes nothing stored', async () => {
      await insertAll(alice);
      (await repository.findByEmail('alice@x.io'))!.firstName = 'Changed 1';
      (await repository.list())[0].firstName = 'Changed 2';
      (await repository.searchName('alice'))[0].firstName = 'Changed 3';
      (await repository.searchAge(0, 150))[0].age = 99;
      expect(await repository.findByEmail('alice@x.io')).toEqual(alice);
    });
  });
}
