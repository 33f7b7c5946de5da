import { compareKeys } from '../../src/domain/key-order';
import { foldForSearch } from '../../src/domain/text-folding';
import { emailKey } from '../../src/domain/email-key';
import type { Outcome } from '../../src/domain/result';
import type { User } from '../../src/domain/user';
import { toUserRecord } from '../../src/domain/user-record';
import { encodePageToken } from '../../src/domain/page-token';
import { UserService, type Page, type PageRequest } from '../../src/domain/user-service';
import type { UserRecord, UserRepository } from '../../src/repository/user-repository';
import { insertInBatches } from '../support/bulk-insert';
import { aUser } from '../support/users';

const usersOf = (records: UserRecord[]) => records.map((r) => r.user);

/**
 * What every UserRepository must do, whatever stores the users. A new
 * implementation (PostgreSQL, PGlite) calls this with a factory of empty
 * repositories; each test closes the repository it got.
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

    const alice = toUserRecord(aUser({ id: 'id-alice', email: 'Alice@x.io', firstName: 'Alice', lastName: 'Martin', age: 30 }));
    const mael = toUserRecord(aUser({ id: 'id-mael', email: 'mael@x.io', firstName: 'Maël', lastName: 'Valadier', age: 34 }));
    const jose = toUserRecord(aUser({ id: 'id-jose', email: 'jose@x.io', firstName: 'José', lastName: 'Carvalho', age: 47 }));
    const ALL = 1000;

    async function insertAll(...records: UserRecord[]) {
      for (const record of records) expect(await repository.insert(record)).toEqual({ inserted: true });
    }

    test('starts empty', async () => {
      expect(await repository.count()).toBe(0);
      expect(await repository.list(undefined, ALL)).toEqual([]);
    });

    test('insert stores the record exactly as given, keys included', async () => {
      await insertAll(alice);
      expect(await repository.count()).toBe(1);
      expect(await repository.list(undefined, ALL)).toEqual([alice]);
      expect(await repository.findByEmailKey('alice@x.io')).toEqual(alice.user);
    });

    test('insert refuses an email key already taken and keeps the first user', async () => {
      await insertAll(alice);
      const other = toUserRecord(aUser({ id: 'other', email: 'alice@X.IO', firstName: 'Other' }));
      expect(await repository.insert(other)).toEqual({ inserted: false, reason: 'email-taken' });
      expect(await repository.count()).toBe(1);
      expect(await repository.list(undefined, ALL)).toEqual([alice]);
    });

    test('insert refuses an id already taken and keeps the first user', async () => {
      await insertAll(alice);
      expect(await repository.insert(toUserRecord(aUser({ id: 'id-alice', email: 'bob@x.io' })))).toEqual({ inserted: false, reason: 'id-taken' });
      expect(await repository.findByEmailKey('bob@x.io')).toBeUndefined();
      expect(await repository.count()).toBe(1);
    });

    test('of concurrent inserts of one email key, exactly one succeeds', async () => {
      const emails = ['race@x.io', 'RACE@x.io', 'Race@X.io', 'race@X.IO', 'rAcE@x.io', 'RaCe@x.io'];
      const results = await Promise.all(emails.map((email, i) => repository.insert(toUserRecord(aUser({ id: `race-${i}`, email })))));
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      expect(results.filter((r) => !r.inserted)).toEqual(Array(emails.length - 1).fill({ inserted: false, reason: 'email-taken' }));
      expect(await repository.count()).toBe(1);
    });

    test('of concurrent inserts of one id, exactly one succeeds', async () => {
      const results = await Promise.all([1, 2, 3, 4].map((n) => repository.insert(toUserRecord(aUser({ id: 'same', email: `u${n}@x.io` })))));
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      expect(results.filter((r) => !r.inserted)).toEqual(Array(3).fill({ inserted: false, reason: 'id-taken' }));
      expect(await repository.count()).toBe(1);
    });

    test('insertAll inserts each record in order, refusing each as insert would (earlier records of the set count as stored)', async () => {
      await insertAll(alice);
      const bob = toUserRecord(aUser({ id: 'id-bob', email: 'bob@x.io' }));
      const results = await repository.insertAll([
        mael,
        toUserRecord(aUser({ id: 'alice-again', email: 'ALICE@x.io' })),
        bob,
        toUserRecord(aUser({ id: 'id-mael', email: 'mael-2@x.io' })),
        toUserRecord(aUser({ id: 'bob-again', email: 'Bob@X.io' })),
        jose,
      ]);
      expect(results).toEqual([
        { inserted: true },
        { inserted: false, reason: 'email-taken' },
        { inserted: true },
        { inserted: false, reason: 'id-taken' },
        { inserted: false, reason: 'email-taken' },
        { inserted: true },
      ]);
      expect(await repository.list(undefined, ALL)).toEqual([alice, bob, jose, mael]);
      expect(await repository.insertAll([])).toEqual([]);
      expect(await repository.count()).toBe(4);
    });

    test('findByEmailKey finds by the exact key, and is undefined for an unknown one', async () => {
      await insertAll(alice, mael);
      expect(await repository.findByEmailKey('alice@x.io')).toEqual(alice.user);
      expect(await repository.findByEmailKey('mael@x.io')).toEqual(mael.user);
      expect(await repository.findByEmailKey('bob@x.io')).toBeUndefined();
    });

    test('list orders by email key, strictly after the position, up to the limit', async () => {
      await insertAll(jose, alice, mael);
      expect(await repository.list(undefined, ALL)).toEqual([alice, jose, mael]);
      expect(await repository.list(undefined, 2)).toEqual([alice, jose]);
      expect(await repository.list('alice@x.io', ALL)).toEqual([jose, mael]);
      expect(await repository.list('alice@x.io', 1)).toEqual([jose]);
      // A position need not be a stored key.
      expect(await repository.list('b', ALL)).toEqual([jose, mael]);
      expect(await repository.list('mael@x.io', ALL)).toEqual([]);
      expect(await repository.list('zzz', ALL)).toEqual([]);
    });

    test('email keys sort in code point order (COLLATE "C"), not in UTF-16 code unit order', async () => {
      // U+FFFD sorts before U+1F600 by code point, after it by UTF-16 unit (0xFFFD > 0xD83D).
      const replacement = toUserRecord(aUser({ id: 'fw', email: 'a\u{FFFD}@x.io' }));
      const emoji = toUserRecord(aUser({ id: 'emoji', email: 'a\u{1F600}@x.io' }));
      const accented = toUserRecord(aUser({ id: 'accented', email: 'aé@x.io' }));
      const plain = toUserRecord(aUser({ id: 'plain', email: 'az@x.io' }));
      await insertAll(emoji, plain, replacement, accented);
      expect(await repository.list(undefined, ALL)).toEqual([plain, accented, replacement, emoji]);
      expect(await repository.list(replacement.emailKey, ALL)).toEqual([emoji]);
      expect(await repository.list(accented.emailKey, 1)).toEqual([replacement]);
    });

    test('a non-ASCII email differing only in case (É/é) is one key: refused, found, and ordered as its key', async () => {
      const elodie = toUserRecord(aUser({ id: 'id-elodie', email: 'élodie@x.io' }));
      const zed = toUserRecord(aUser({ id: 'id-zed', email: 'zed@x.io' }));
      await insertAll(elodie, zed);
      const upper = toUserRecord(aUser({ id: 'id-upper', email: 'ÉLODIE@x.io' }));
      expect(upper.emailKey).toBe(elodie.emailKey);
      expect(await repository.insert(upper)).toEqual({ inserted: false, reason: 'email-taken' });
      expect(await repository.findByEmailKey(upper.emailKey)).toEqual(elodie.user);
      // é (U+00E9) sorts after z in code point order, wherever a locale would put it.
      expect(await repository.list(undefined, ALL)).toEqual([zed, elodie]);
      expect(await repository.count()).toBe(2);
    });

    test('searchName matches % and _ literally, not as wildcards', async () => {
      const underscore = toUserRecord(aUser({ id: 'u1', email: 'u1@x.io', firstName: 'Ann_Marie', lastName: 'Plain' }));
      const letter = toUserRecord(aUser({ id: 'u2', email: 'u2@x.io', firstName: 'AnnXMarie', lastName: 'Plain' }));
      const percent = toUserRecord(aUser({ id: 'u3', email: 'u3@x.io', firstName: 'Anna', lastName: '100% Sure' }));
      const digits = toUserRecord(aUser({ id: 'u4', email: 'u4@x.io', firstName: 'Anna', lastName: '1000 Sure' }));
      const backslash = toUserRecord(aUser({ id: 'u5', email: 'u5@x.io', firstName: 'Back\\slash', lastName: 'Plain' }));
      await insertAll(underscore, letter, percent, digits, backslash);
      const search = async (query: string) => (await repository.searchName(foldForSearch(query), undefined, ALL)).map((r) => r.user.id);
      expect(await search('n_m')).toEqual(['u1']);
      expect(await search('_')).toEqual(['u1']);
      expect(await search('0%')).toEqual(['u3']);
      expect(await search('%')).toEqual(['u3']);
      expect(await search('%_')).toEqual([]);
      expect(await search('k\\s')).toEqual(['u5']);
      expect(await search('ann')).toEqual(['u1', 'u2', 'u3', 'u4']);
    });

    test('searchName matches a folded query in the first or the last name, in email key order', async () => {
      await insertAll(alice, mael, jose);
      const search = async (query: string) => usersOf(await repository.searchName(foldForSearch(query), undefined, ALL));
      expect(await search('Maël')).toEqual([mael.user]);
      expect(await search('mael')).toEqual([mael.user]);
      expect(await search('JOSÉ')).toEqual([jose.user]);
      expect(await search('martin')).toEqual([alice.user]);
      // Carvalho and Valadier.
      expect(await search('val')).toEqual([jose.user, mael.user]);
      expect(await search('nobody')).toEqual([]);
    });

    test('searchName pages: strictly after the position, up to the limit', async () => {
      await insertAll(alice, mael, jose);
      expect(await repository.searchName('a', undefined, 2)).toEqual([alice, jose]);
      expect(await repository.searchName('a', 'jose@x.io', 2)).toEqual([mael]);
      expect(await repository.searchName('val', 'alice@x.io', ALL)).toEqual([jose, mael]);
      expect(await repository.searchName('val', 'mael@x.io', ALL)).toEqual([]);
    });

    test('searchAge includes both bounds, in (age, email key) order', async () => {
      await insertAll(jose, mael, alice);
      expect(await repository.searchAge(30, 34, undefined, ALL)).toEqual([alice, mael]);
      expect(await repository.searchAge(34, 47, undefined, ALL)).toEqual([mael, jose]);
      expect(await repository.searchAge(0, 150, undefined, ALL)).toEqual([alice, mael, jose]);
      expect(await repository.searchAge(31, 33, undefined, ALL)).toEqual([]);
    });

    test('searchAge pages: strictly after (age, email key), up to the limit', async () => {
      const bob = toUserRecord(aUser({ id: 'id-bob', email: 'bob@x.io', age: 34 }));
      const zoe = toUserRecord(aUser({ id: 'id-zoe', email: 'zoe@x.io', age: 30 }));
      await insertAll(jose, mael, alice, bob, zoe);
      expect(await repository.searchAge(0, 150, undefined, ALL)).toEqual([alice, zoe, bob, mael, jose]);
      expect(await repository.searchAge(0, 150, undefined, 2)).toEqual([alice, zoe]);
      expect(await repository.searchAge(0, 150, { age: 30, emailKey: 'zoe@x.io' }, 2)).toEqual([bob, mael]);
      expect(await repository.searchAge(0, 150, { age: 34, emailKey: 'bob@x.io' }, ALL)).toEqual([mael, jose]);
      // Positions need not be stored: between keys, and below the range.
      expect(await repository.searchAge(0, 150, { age: 34, emailKey: 'c' }, ALL)).toEqual([mael, jose]);
      expect(await repository.searchAge(34, 150, { age: 30, emailKey: 'zoe@x.io' }, ALL)).toEqual([bob, mael, jose]);
      expect(await repository.searchAge(30, 34, { age: 34, emailKey: 'mael@x.io' }, ALL)).toEqual([]);
    });

    test('a limit of 0 gives nothing', async () => {
      await insertAll(alice);
      expect(await repository.list(undefined, 0)).toEqual([]);
      expect(await repository.searchName('alice', undefined, 0)).toEqual([]);
      expect(await repository.searchAge(0, 150, undefined, 0)).toEqual([]);
    });

    test('keeps a copy: changing the inserted record later changes nothing stored', async () => {
      const record = toUserRecord({ ...alice.user });
      await insertAll(record);
      record.user.firstName = 'Mallory';
      record.foldedFirstName = 'mallory';
      expect(await repository.list(undefined, ALL)).toEqual([alice]);
    });

    test('returned records cannot change what is stored: a change is refused (frozen) or stays in a copy', async () => {
      await insertAll(alice);
      // A frozen record refuses a change with a TypeError; a copy takes it: either way the store keeps its own.
      const change = (apply: () => void) => {
        try {
          apply();
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
        }
      };
      const found = (await repository.findByEmailKey('alice@x.io'))!;
      change(() => (found.firstName = 'Changed 1'));
      const listed = (await repository.list(undefined, ALL))[0];
      change(() => (listed.user.firstName = 'Changed 2'));
      change(() => (listed.emailKey = 'changed'));
      change(() => (listed.foldedFirstName = 'changed'));
      const named = (await repository.searchName('alice', undefined, ALL))[0];
      change(() => (named.user.firstName = 'Changed 3'));
      const aged = (await repository.searchAge(0, 150, undefined, ALL))[0];
      change(() => (aged.user.age = 99));
      expect(await repository.list(undefined, ALL)).toEqual([alice]);
      expect(await repository.searchName('alice', undefined, ALL)).toEqual([alice]);
      expect(await repository.searchName('changed', undefined, ALL)).toEqual([]);
      expect(await repository.searchAge(30, 30, undefined, ALL)).toEqual([alice]);
      expect(await repository.findByEmailKey('alice@x.io')).toEqual(alice.user);
    });
  });
}

/**
 * Control characters through UserService, on every store: Create refuses them
 * in every field, so a look-up, a name query or a page token's key holding one
 * (U+0000 above all, which PostgreSQL text cannot hold) gets the answer the
 * memory store gives, never an internal error.
 */
export function describeControlCharacterContract(name: string, factory: () => Promise<UserRepository> | UserRepository): void {
  describe(`${name} (control characters through UserService)`, () => {
    let repository: UserRepository;
    let service: UserService;
    beforeEach(async () => {
      repository = await factory();
      service = new UserService(repository);
      expect((await service.create(aUser({ id: 'ab', email: 'ab@x.io', firstName: 'Ab', lastName: 'Ba' }))).ok).toBe(true);
    });
    afterEach(async () => {
      await expect(repository.close()).resolves.toBeUndefined();
    });
    const PAGE = { size: 10, token: '' };
    const emptyPage = { users: [], nextPageToken: '' };
    const invalidToken = { ok: false, kind: 'invalid', message: 'invalid page token' };

    test.each<[string, Partial<User>, string]>([
      ['id', { id: 'a\u0000b' }, 'user.id "a\\u0000b" may only contain letters, digits, \'.\', \'_\', \':\' and \'-\''],
      ['email', { email: 'a\u0000b@x.io' }, 'user.email "a\\u0000b@x.io" is not a valid email address'],
      ['first name', { firstName: 'A\u0000b' }, 'user.name.first must not contain control characters'],
      ['last name', { lastName: 'A\u0000b' }, 'user.name.last must not contain control characters'],
      ['phone', { phone: '+33\u00001' }, 'user.phone must not contain control characters'],
      ['address', { address: '1 rue\u0000' }, 'user.address must not contain control characters'],
    ])('Create refuses U+0000 in the %s, storing nothing', async (_field, fields, message) => {
      expect(await service.create(aUser({ email: 'new@x.io', ...fields }))).toEqual({ ok: false, kind: 'invalid', message });
      expect(await repository.count()).toBe(1);
    });

    test.each(['a\u0000b@x.io', 'ab@x.io\u0000', 'ab\u0007@x.io', '\u0000'])('GetByEmail %j is not found', async (email) => {
      const shown = JSON.stringify(email.trim()).slice(1, -1);
      expect(await service.getByEmail(email)).toEqual({ ok: false, kind: 'not-found', message: `the email ${shown} cannot be found` });
    });

    test.each(['a\u0000b', '\u0000', 'ab\u0000', 'a\u001bb'])('SearchName %j answers an empty page, and still judges its page size and token', async (query) => {
      expect(await service.searchName(query, PAGE)).toEqual({ ok: true, value: { ...emptyPage, tokenAfter: expect.any(Function) } });
      expect(await service.searchName(query, { size: 0, token: '' })).toEqual({ ok: false, kind: 'invalid', message: 'page size must be a positive integer, got 0' });
      expect(await service.searchName(query, { size: 10, token: 'x' })).toEqual(invalidToken);
    });

    test('a checksum-valid page token whose key holds U+0000 (or another control character) is an invalid page token', async () => {
      for (const key of ['m\u0000', 'ab@x.io\u0000', '\u0000', 'a\u009fb']) {
        expect(await service.list({ size: 2, token: encodePageToken({ kind: 'list' }, { emailKey: key }) })).toEqual(invalidToken);
        expect(await service.searchName('a', { size: 2, token: encodePageToken({ kind: 'name', foldedQuery: 'a' }, { emailKey: key }) })).toEqual(invalidToken);
        const ages = { kind: 'age', from: 0, toIncluded: 150 } as const;
        expect(await service.searchAge({ from: 0, toIncluded: 150 }, { size: 2, token: encodePageToken(ages, { emailKey: key, age: 30 }) })).toEqual(invalidToken);
      }
      // The same recipe with a plain key is a position like any other.
      const after = await service.list({ size: 2, token: encodePageToken({ kind: 'list' }, { emailKey: 'm' }) });
      expect(after.ok && after.value.users).toEqual([]);
    });
  });
}

/**
 * Name search over a few thousand users, paged 7 at a time straight from the
 * repository: rare names, names nobody has, one- and two-letter queries,
 * whole names, non-ASCII folded names, and queries that would only match
 * across the first and the last name (they must not). The expectation is the
 * contract itself (a literal substring of either folded name, by email key),
 * computed over the population, and pinned by its count so it cannot drift.
 */
export function describeNameSearchContract(name: string, factory: () => Promise<UserRepository> | UserRepository): void {
  describe(`${name} (name search over 3,000 users, pages of 7)`, () => {
    let repository: UserRepository;
    beforeAll(async () => {
      repository = await factory();
      await insertInBatches(repository, population);
    });
    afterAll(async () => {
      await expect(repository.close()).resolves.toBeUndefined();
    });

    // Emails are not in insertion order; rare names are spread through the email order.
    const nameOf = (i: number): [string, string] => {
      if (i % 500 === 7) return ['Zbigniew', 'Łukaszewicz'];
      if (i % 700 === 3) return ['王芳', '李'];
      if (i % 400 === 11) return ['芳', '王'];
      if (i % 999 === 5) return ['\u{20000}\u{20001}', 'Søren'];
      if (i % 300 === 2) return ['Anna', 'Bell'];
      return [['Ann', 'Zoë', 'Valencia'][i % 3], 'Dorsey'];
    };
    const population = Array.from({ length: 3_000 }, (_, i) => {
      const n = String(i).padStart(4, '0');
      const [firstName, lastName] = nameOf(i);
      return toUserRecord(aUser({ id: `n${n}`, email: `${reversed(n)}.n@x.io`, firstName, lastName }));
    });

    async function pagedSearch(query: string): Promise<UserRecord[]> {
      const found: UserRecord[] = [];
      for (;;) {
        const page = await repository.searchName(query, found.at(-1)?.emailKey, 7);
        expect(page.length).toBeLessThanOrEqual(7);
        found.push(...page);
        if (page.length < 7) return found;
      }
    }
    const expected = (query: string) =>
      population
        .filter((r) => r.foldedFirstName.includes(query) || r.foldedLastName.includes(query))
        .sort((a, b) => compareKeys(a.emailKey, b.emailKey));

    test.each([
      // [what, raw query, users expected]
      ['a rare name', 'zbig', 6],
      ['a rare name, whole', 'Zbigniew', 6],
      ['a rare last name folded from non-ASCII (Ł)', 'ŁUKASZ', 6],
      ['a folded query inside a name (ø as o)', 'soren', 3],
      ['a name nobody has', 'qqq', 0],
      ['a long name nobody has, made of common grams', 'annvalencia', 0],
      ['one letter nobody has', 'q', 0],
      ['one common letter', 'a', 1990],
      ['two letters', 'an', 1003],
      ['one CJK character, in first and last names', '芳', 13],
      ['one CJK character, a whole last name', '李', 5],
      ['two CJK characters, a whole first name', '王芳', 5],
      ['one astral character', '\u{20001}', 3],
      ['across the first and last name (anna|bell): no match', 'nab', 0],
      ['across the first and last name with a space: no match', 'anna bell', 0],
      ['across the first and last name (芳|王): no match', '芳王', 0],
    ])('%s (%s): %d users, each once, in email key order', async (_what, rawQuery, count) => {
      const query = foldForSearch(rawQuery);
      const want = expected(query);
      expect(want.length).toBe(count);
      expect(await pagedSearch(query)).toEqual(want);
    });
  });
}

/**
 * Paging as clients see it (page tokens, the domain's orders) over a
 * repository: run with the same factories as the contract above.
 */
export function describePagingContract(name: string, factory: () => Promise<UserRepository> | UserRepository): void {
  describe(`${name} (paging through UserService)`, () => {
    // One store of 10,000 users for these tests (a SQL backend takes seconds to fill):
    // the tests only add users, and each checks the users present throughout.
    let repository: UserRepository;
    let service: UserService;
    beforeAll(async () => {
      repository = await factory();
      service = new UserService(repository);
      await insertInBatches(repository, population);
    });
    afterAll(async () => {
      await expect(repository.close()).resolves.toBeUndefined();
    });

    // 10,000 users spread over ages and names, with emails whose order is not the insertion order.
    const population = Array.from({ length: 10_000 }, (_, i) => {
      const n = String(i).padStart(5, '0');
      return toUserRecord(aUser({ id: `u${n}`, email: `${reversed(n)}.u@x.io`, firstName: i % 3 === 0 ? 'Zoë' : 'Ann', age: (i * 7) % 151 }));
    });
    const QUERIES: Array<{ what: string; fetch: (s: UserService, page: PageRequest) => Promise<Outcome<Page>>; keep: (u: User) => boolean; byAge: boolean }> = [
      { what: 'List', fetch: (s, page) => s.list(page), keep: () => true, byAge: false },
      { what: 'SearchName', fetch: (s, page) => s.searchName('ZOE', page), keep: (u) => u.firstName === 'Zoë', byAge: false },
      { what: 'SearchAge', fetch: (s, page) => s.searchAge({ from: 20, toIncluded: 90 }, page), keep: (u) => u.age >= 20 && u.age <= 90, byAge: true },
    ];
    const orderOf = (byAge: boolean) => (a: User, b: User) => (byAge ? a.age - b.age : 0) || compareKeys(emailKey(a.email), emailKey(b.email));
    const preexisting = (keep: (u: User) => boolean, byAge: boolean) => population.map((r) => r.user).filter(keep).sort(orderOf(byAge));

    async function pageThrough(fetch: (page: PageRequest) => Promise<Outcome<Page>>): Promise<User[]> {
      const users: User[] = [];
      let token = '';
      do {
        const outcome = await fetch({ size: 7, token });
        if (!outcome.ok) throw new Error(`page after ${users.length} users: ${outcome.message}`);
        expect(outcome.value.users.length).toBeLessThanOrEqual(7);
        users.push(...outcome.value.users);
        token = outcome.value.nextPageToken;
      } while (token !== '');
      return users;
    }

    test('a page token of another query, or garbled, is INVALID_QUERY "invalid page token"; the same query pages on at any page size', async () => {
      const first = await service.list({ size: 7, token: '' });
      const listToken = first.ok ? first.value.nextPageToken : '';
      expect(listToken).not.toBe('');
      const invalidToken = { ok: false, kind: 'invalid', message: 'invalid page token' };
      expect(await service.searchName('ann', { size: 7, token: listToken })).toEqual(invalidToken);
      expect(await service.searchAge({ from: 0, toIncluded: 150 }, { size: 7, token: listToken })).toEqual(invalidToken);
      expect(await service.list({ size: 7, token: listToken.slice(1) })).toEqual(invalidToken);
      expect(await service.list({ size: 7, token: 'x' })).toEqual(invalidToken);
      const second = await service.list({ size: 3, token: listToken });
      expect(second.ok && second.value.users).toEqual(preexisting(() => true, false).slice(7, 10));
    });

    // One paging per query, 7 at a time, with creates running all along: it checks quiet paging too
    // (the users present throughout, exactly once, in order, nothing else) and keeps a SQL run short.
    test.each(QUERIES)('$what: 10,000 users paged 7 at a time while other clients create users: each user present throughout comes back exactly once, in order', async ({ what, fetch, keep, byAge }) => {
      // Creates land before and after the paging's position all along.
      const creators = [0, 1, 2].map(async (client) => {
        for (let i = 0; i < 200; i++) {
          const n = `${client}${String(i).padStart(4, '0')}`;
          const outcome = await service.create(aUser({ email: `${reversed(n)}.${what.toLowerCase()}@x.io`, firstName: 'Zoë', age: (i * 13) % 151 }));
          expect(outcome.ok).toBe(true);
        }
      });
      const [paged] = await Promise.all([pageThrough((page) => fetch(service, page)), ...creators]);
      // In order with no user twice: each user sorts strictly after the one before.
      const order = orderOf(byAge);
      expect(paged.findIndex((user, i) => i > 0 && order(paged[i - 1], user) >= 0)).toBe(-1);
      // Every user present throughout, exactly once; only users of the query; some created meanwhile too.
      expect(paged.filter((u) => u.email.endsWith('.u@x.io'))).toEqual(preexisting(keep, byAge));
      expect(paged.filter((u) => !keep(u))).toEqual([]);
      expect(preexisting(keep, byAge).length).toBeGreaterThan(3000);
      expect(paged.filter((u) => u.email.endsWith(`.${what.toLowerCase()}@x.io`)).length).toBeGreaterThan(0);
    });
  });
}

function reversed(text: string): string {
  return [...text].reverse().join('');
}
