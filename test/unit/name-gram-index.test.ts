import { compareKeys } from '../../src/domain/key-order';
import { toUserRecord } from '../../src/domain/user-record';
import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import { NameGramIndex } from '../../src/repository/name-gram-index';
import type { UserRecord } from '../../src/repository/user-repository';
import { aUser } from '../support/users';

const record = (n: number, firstName: string, lastName = 'Dorsey') =>
  toUserRecord(aUser({ id: `id-${n}`, email: `${String(n * 7919 % 100_003).padStart(6, '0')}.${n}@x.io`, firstName, lastName }));
const inEmailOrder = (records: UserRecord[]) => [...records].sort((a, b) => compareKeys(a.emailKey, b.emailKey));
const keysOf = (records: Iterable<UserRecord> | undefined) => [...records!].map((r) => r.emailKey);

function indexOf(records: UserRecord[]): NameGramIndex {
  const index = new NameGramIndex();
  for (const r of records) index.add(r);
  return index;
}

describe('NameGramIndex', () => {
  // 5,000 users: Valencia (even) or Ann (odd) Dorsey, but seven (odd) Zbigniew Łukaszewicz.
  const store = Array.from({ length: 5_000 }, (_, n) => (n % 800 === 13 ? record(n, 'Zbigniew', 'Łukaszewicz') : record(n, n % 2 ? 'Ann' : 'Valencia')));
  const rare = inEmailOrder(store.filter((r) => r.foldedFirstName === 'zbigniew'));
  const index = indexOf(store);

  test("a rare query's candidates are the records of its rarest gram, in email key order: its matches, not the store", () => {
    expect(rare).toHaveLength(7);
    expect(keysOf(index.candidates('zbig', undefined))).toEqual(keysOf(rare));
    expect(keysOf(index.candidates('ukasz', undefined))).toEqual(keysOf(rare));
    // "ann" is common, "zb" rare: the rarest gram decides.
    expect(keysOf(index.candidates('annzb', undefined))).toEqual([]);
    expect(keysOf(index.candidates('zbigniew', undefined))).toEqual(keysOf(rare));
  });

  test('a gram nobody has gives no candidates, at every query length', () => {
    expect(keysOf(index.candidates('q', undefined))).toEqual([]);
    expect(keysOf(index.candidates('qz', undefined))).toEqual([]);
    expect(keysOf(index.candidates('annq', undefined))).toEqual([]);
  });

  test('queries of one and two code points use grams of their length', () => {
    expect(keysOf(index.candidates('z', undefined))).toEqual(keysOf(rare));
    expect(keysOf(index.candidates('zb', undefined))).toEqual(keysOf(rare));
    expect([...index.candidates('v', undefined)!]).toHaveLength(2_500);
  });

  test('candidates start at the position (included when stored), whether a gram holds one record, a few (array) or many (B+ tree)', () => {
    for (const count of [1, 5, 64, 65, 300]) {
      const records = Array.from({ length: count }, (_, n) => record(n, 'Kwiatkowski'));
      const small = indexOf(records);
      const ordered = inEmailOrder(records);
      expect(keysOf(small.candidates('kwi', undefined))).toEqual(keysOf(ordered));
      const middle = ordered[Math.floor(count / 2)];
      expect(keysOf(small.candidates('kwi', middle.emailKey))).toEqual(keysOf(ordered.slice(Math.floor(count / 2))));
      // Between two stored keys, and past the last one.
      expect(keysOf(small.candidates('kwi', `${middle.emailKey}\u0000`))).toEqual(keysOf(ordered.slice(Math.floor(count / 2) + 1)));
      expect(keysOf(small.candidates('kwi', '\u{10FFFF}'))).toEqual([]);
    }
  });

  test('a record holding a gram many times, in both names, is listed once', () => {
    const anna = record(1, 'Annanna', 'Nanna');
    expect(keysOf(indexOf([anna]).candidates('an', undefined))).toEqual([anna.emailKey]);
    expect(keysOf(indexOf([anna]).candidates('nna', undefined))).toEqual([anna.emailKey]);
  });

  test('an empty query, or one with a lone surrogate, cannot be narrowed by the index', () => {
    expect(index.candidates('', undefined)).toBeUndefined();
    expect(index.candidates('\uD840', undefined)).toBeUndefined();
    expect(index.candidates('a\uDC00b', undefined)).toBeUndefined();
  });
});

describe('MemoryUserRepository name search through the index', () => {
  test('grams that share a key share their records, and the check keeps only the real matches (2,000 random names, every query brute-forced)', async () => {
    // 2,000 names of 3 random CJK characters: some 10,000 distinct grams, so many share one of the 2^20 keys.
    let seed = 1;
    const random = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const cjk = (length: number) => Array.from({ length }, () => String.fromCodePoint(0x4e00 + random(20_000))).join('');
    const records = Array.from({ length: 2_000 }, (_, n) => record(n, cjk(3), random(2) ? cjk(2) : 'Dorsey'));
    const repository = new MemoryUserRepository();
    for (const r of records) await repository.insert(r);
    const index = indexOf(records);
    let withExtraCandidates = 0;
    for (const [n, r] of records.entries()) {
      const query = n % 2 ? r.foldedFirstName : r.foldedFirstName.slice(1);
      const matches = inEmailOrder(records.filter((o) => o.foldedFirstName.includes(query) || o.foldedLastName.includes(query)));
      expect(await repository.searchName(query, undefined, 10_000)).toEqual(matches);
      if ([...index.candidates(query, undefined)!].length > matches.length) withExtraCandidates++;
    }
    // Shared keys were met: some queries got candidates that do not match, and the check dropped them.
    expect(withExtraCandidates).toBeGreaterThan(0);
  });


  test('a query with a lone surrogate matches as a literal UTF-16 substring, as the contract says', async () => {
    const repository = new MemoryUserRepository();
    const astral = toUserRecord(aUser({ id: 'a', email: 'a@x.io', firstName: '\u{20000}x' }));
    await repository.insert(astral);
    expect(await repository.searchName('\uD840', undefined, 10)).toEqual([astral]);
    expect(await repository.searchName('\uDC00x', undefined, 10)).toEqual([astral]);
    expect(await repository.searchName('\u{20000}', undefined, 10)).toEqual([astral]);
  });

  test('stored records are frozen: a caller changing one gets a TypeError, and the store keeps its own', async () => {
    const repository = new MemoryUserRepository();
    const alice = toUserRecord(aUser({ id: 'a', email: 'alice@x.io' }));
    await repository.insert(alice);
    const [listed] = await repository.list(undefined, 10);
    expect(Object.isFrozen(listed)).toBe(true);
    expect(Object.isFrozen(listed.user)).toBe(true);
    expect(() => (listed.user.firstName = 'Mallory')).toThrow(TypeError);
    expect(() => (listed.foldedFirstName = 'mallory')).toThrow(TypeError);
    expect(Object.isFrozen(await repository.findByEmailKey('alice@x.io'))).toBe(true);
    expect(await repository.searchName('mallory', undefined, 10)).toEqual([]);
    expect(await repository.list(undefined, 10)).toEqual([alice]);
    // What the caller inserted stays the caller's: it is copied, not frozen.
    expect(Object.isFrozen(alice) || Object.isFrozen(alice.user)).toBe(false);
  });
});
