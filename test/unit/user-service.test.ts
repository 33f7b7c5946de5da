import { FIRST_PAGE, pageUsers } from '../support/pages';
import { TextOverLimit } from '../../src/domain/code-points';
import { LIMITS } from '../../src/domain/limits';
import type { User } from '../../src/domain/user';
import { UserService } from '../../src/domain/user-service';
import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import { aUser } from '../support/users';

let repository: MemoryUserRepository;
let service: UserService;
let nextId: number;

beforeEach(() => {
  repository = new MemoryUserRepository();
  nextId = 0;
  service = new UserService(repository, () => `generated-${++nextId}`);
});

async function mustCreate(user: User): Promise<User> {
  const outcome = await service.create(user);
  if (!outcome.ok) throw new Error(`create ${user.email} refused: ${outcome.message}`);
  return outcome.value;
}

const emailsOf = (users: User[]) => users.map((u) => u.email);

describe('create', () => {
  test('generates an id when it is empty and answers the stored user', async () => {
    const outcome = await service.create(aUser({ id: '' }));
    expect(outcome).toEqual({ ok: true, value: aUser({ id: 'generated-1' }) });
    expect(await repository.findByEmailKey('alice@x.io')).toEqual(aUser({ id: 'generated-1' }));
    expect(await repository.count()).toBe(1);
  });

  test('uses a random UUID by default', async () => {
    const outcome = await new UserService(new MemoryUserRepository()).create(aUser());
    expect(outcome.ok && outcome.value.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('keeps a given id', async () => {
    expect(await service.create(aUser({ id: 'user-42' }))).toEqual({ ok: true, value: aUser({ id: 'user-42' }) });
    expect(nextId).toBe(0);
  });

  test('trims every text field before validating and storing', async () => {
    const outcome = await service.create({
      id: ' u1 ',
      age: 40,
      firstName: '  Maël ',
      lastName: '\tValadier\n',
      email: '  Mael@x.io  ',
      phone: ' +33 1 ',
      address: ' 2 rue X ',
    });
    const expected = { id: 'u1', age: 40, firstName: 'Maël', lastName: 'Valadier', email: 'Mael@x.io', phone: '+33 1', address: '2 rue X' };
    expect(outcome).toEqual({ ok: true, value: expected });
    expect((await repository.list(undefined, 100)).map((r) => r.user)).toEqual([expected]);
  });

  test('stores the email as given but compares it case-insensitively', async () => {
    await mustCreate(aUser({ email: 'Alice@X.io' }));
    expect((await repository.findByEmailKey('alice@x.io'))?.email).toBe('Alice@X.io');
  });

  test('a white-space-only id asks for a generated one', async () => {
    expect(await service.create(aUser({ id: '   ' }))).toEqual({ ok: true, value: aUser({ id: 'generated-1' }) });
  });

  test('the user returned cannot change what is stored', async () => {
    const created = await mustCreate(aUser());
    created.firstName = 'Mallory';
    expect((await repository.findByEmailKey('alice@x.io'))?.firstName).toBe('Alice');
  });

  describe.each([
    ['the same email', 'alice@x.io'],
    ['the email in another case', 'ALICE@x.IO'],
    ['the email with surrounding spaces', '  alice@x.io '],
  ])('a second user with %s', (_what, email) => {
    test('is refused with a conflict and nothing changes', async () => {
      const first = await mustCreate(aUser({ email: 'Alice@x.io' }));
      const outcome = await service.create(aUser({ email, firstName: 'Other', id: 'other-id' }));
      expect(outcome).toEqual({ ok: false, kind: 'conflict', message: 'email already exists' });
      expect(await repository.count()).toBe(1);
      expect((await repository.list(undefined, 100)).map((r) => r.user)).toEqual([first]);
    });
  });

  test('a duplicate id is refused with a conflict naming it', async () => {
    const first = await mustCreate(aUser({ id: 'u1', email: 'a@x.io' }));
    expect(await service.create(aUser({ id: 'u1', email: 'b@x.io' }))).toEqual({ ok: false, kind: 'conflict', message: 'id u1 already exists' });
    expect((await repository.list(undefined, 100)).map((r) => r.user)).toEqual([first]);
  });

  test('an email conflict is reported before an id conflict', async () => {
    await mustCreate(aUser({ id: 'u1', email: 'a@x.io' }));
    expect(await service.create(aUser({ id: 'u1', email: 'A@x.io' }))).toEqual({ ok: false, kind: 'conflict', message: 'email already exists' });
  });

  test('of concurrent creates of one email, exactly one wins', async () => {
    const emails = ['race@x.io', 'RACE@x.io', 'Race@X.io', 'race@X.IO', ' race@x.io', 'rAcE@x.io', 'race@x.iO', 'RACE@X.IO'];
    const outcomes = await Promise.all(emails.map((email, i) => service.create(aUser({ email, firstName: `R${i}` }))));
    const winners = outcomes.filter((o) => o.ok);
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok)).toEqual(
      Array(emails.length - 1).fill({ ok: false, kind: 'conflict', message: 'email already exists' }),
    );
    expect(await repository.count()).toBe(1);
    expect((await repository.list(undefined, 100)).map((r) => r.user)).toEqual([winners[0].ok && winners[0].value]);
  });

  test('concurrent creates of different emails all succeed', async () => {
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((n) => service.create(aUser({ email: `u${n}@x.io` }))));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(await repository.count()).toBe(5);
  });

  describe('validation: INVALID outcome naming the field, nothing stored', () => {
    const long = (n: number, unit = 'a') => unit.repeat(n);
    const cases: Array<[string, User | undefined, string]> = [
      ['a missing user', undefined, 'user is required'],
      ['an empty email', aUser({ email: '' }), 'user.email cannot be empty'],
      ['a white-space email', aUser({ email: '   ' }), 'user.email cannot be empty'],
      ['an email without @', aUser({ email: 'alice.x.io' }), 'user.email "alice.x.io" is not a valid email address'],
      ['an email without domain', aUser({ email: 'alice@' }), 'user.email "alice@" is not a valid email address'],
      ['an email without local part', aUser({ email: '@x.io' }), 'user.email "@x.io" is not a valid email address'],
      ['an email without a dot in the domain', aUser({ email: 'alice@localhost' }), 'user.email "alice@localhost" is not a valid email address'],
      ['an email with two @', aUser({ email: 'a@b@x.io' }), 'user.email "a@b@x.io" is not a valid email address'],
      ['an email with a space', aUser({ email: 'ali ce@x.io' }), 'user.email "ali ce@x.io" is not a valid email address'],
      ['an email with an empty domain label', aUser({ email: 'alice@x..io' }), 'user.email "alice@x..io" is not a valid email address'],
      ['an email ending with a dot', aUser({ email: 'alice@x.io.' }), 'user.email "alice@x.io." is not a valid email address'],
      // Control characters are refused, and escaped so that the message stays one line.
      ['an email with a control character', aUser({ email: 'ali\u0000ce@x.io' }), 'user.email "ali\\u0000ce@x.io" is not a valid email address'],
      ['an email with a newline inside', aUser({ email: 'ali\nce@x.io' }), 'user.email "ali\\nce@x.io" is not a valid email address'],
      ['an email with a quote', aUser({ email: 'a"b c@x.io' }), 'user.email "a\\"b c@x.io" is not a valid email address'],
      ['an email too long', aUser({ email: `${long(LIMITS.emailLength - 4)}@x.io` }), `user.email must be at most ${LIMITS.emailLength} characters`],
      ['age -1', aUser({ age: -1 }), 'user.age must be between 0 and 150, got -1'],
      ['age 151', aUser({ age: 151 }), 'user.age must be between 0 and 150, got 151'],
      ['age 30.5', aUser({ age: 30.5 }), 'user.age must be between 0 and 150, got 30.5'],
      ['age NaN', aUser({ age: Number.NaN }), 'user.age must be between 0 and 150, got NaN'],
      ['an id too long', aUser({ id: long(LIMITS.idLength + 1) }), `user.id must be at most ${LIMITS.idLength} characters`],
      ['an id with a space', aUser({ id: 'a b' }), `user.id "a b" may only contain letters, digits, '.', '_', ':' and '-'`],
      ['an id with a slash', aUser({ id: 'a/b' }), `user.id "a/b" may only contain letters, digits, '.', '_', ':' and '-'`],
      ['a first name too long', aUser({ firstName: long(LIMITS.nameLength + 1, 'é') }), `user.name.first must be at most ${LIMITS.nameLength} characters`],
      ['a last name too long', aUser({ lastName: long(LIMITS.nameLength + 1) }), `user.name.last must be at most ${LIMITS.nameLength} characters`],
      ['a phone too long', aUser({ phone: long(LIMITS.phoneLength + 1, '1') }), `user.phone must be at most ${LIMITS.phoneLength} characters`],
      ['an address too long', aUser({ address: long(LIMITS.addressLength + 1) }), `user.address must be at most ${LIMITS.addressLength} characters`],
      ['a first name with a control character', aUser({ firstName: 'Al\u0007ice' }), 'user.name.first must not contain control characters'],
      ['a last name with a newline inside', aUser({ lastName: 'Mar\ntin' }), 'user.name.last must not contain control characters'],
      ['a phone with a tab inside', aUser({ phone: '+33\t1' }), 'user.phone must not contain control characters'],
      ['an address with DEL', aUser({ address: '1 rue\u007f' }), 'user.address must not contain control characters'],
      ['a first name with a right-to-left override', aUser({ firstName: 'Ali\u202Ece' }), 'user.name.first must not contain format characters or line separators (found U+202E)'],
      ['a last name with a zero-width space', aUser({ lastName: 'Mar\u200Btin' }), 'user.name.last must not contain format characters or line separators (found U+200B)'],
      ['a phone with a left-to-right isolate', aUser({ phone: '+33\u20661' }), 'user.phone must not contain format characters or line separators (found U+2066)'],
      ['an address with a line separator', aUser({ address: '1 rue\u2028Paris' }), 'user.address must not contain format characters or line separators (found U+2028)'],
      ['an address with a paragraph separator', aUser({ address: '1 rue\u2029Paris' }), 'user.address must not contain format characters or line separators (found U+2029)'],
    ];
    test.each(cases)('%s', async (_what, input, message) => {
      expect(await service.create(input)).toEqual({ ok: false, kind: 'invalid', message });
      expect(await repository.count()).toBe(0);
    });

    test('ZWNJ (Persian) and ZWJ (emoji sequences) stay allowed in names', async () => {
      const created = await service.create(aUser({ firstName: 'نیلو\u200Cفر', lastName: 'Doe \u{1F469}\u200D\u{1F52C}' }));
      expect(created).toMatchObject({ ok: true, value: { firstName: 'نیلو\u200Cفر', lastName: 'Doe \u{1F469}\u200D\u{1F52C}' } });
    });

    test('the email too long case is one character over the limit', () => {
      expect(cases.find(([what]) => what === 'an email too long')![1]!.email).toHaveLength(LIMITS.emailLength + 1);
    });

    test('every limit is allowed exactly (counted in characters, not UTF-16 units)', async () => {
      const atLimit = aUser({
        id: long(LIMITS.idLength),
        email: `${long(LIMITS.emailLength - 5)}@x.io`,
        age: LIMITS.maxAge,
        firstName: long(LIMITS.nameLength, 'ë'),
        lastName: long(LIMITS.nameLength, '😀'),
        phone: long(LIMITS.phoneLength, '9'),
        address: long(LIMITS.addressLength, 'å'),
      });
      expect(atLimit.email).toHaveLength(LIMITS.emailLength);
      expect(atLimit.lastName).toHaveLength(2 * LIMITS.nameLength);
      expect(await service.create(atLimit)).toEqual({ ok: true, value: atLimit });
    });

    test('age 0 and empty optional fields are allowed', async () => {
      const minimal = { id: '', age: 0, firstName: '', lastName: '', email: 'min@x.io', phone: '', address: '' };
      expect(await service.create(minimal)).toEqual({ ok: true, value: { ...minimal, id: 'generated-1' } });
    });

    test('the documented limits', () => {
      expect(LIMITS).toEqual({
        minAge: 0,
        maxAge: 150,
        emailLength: 254,
        idLength: 64,
        nameLength: 100,
        phoneLength: 50,
        addressLength: 300,
        nameQueryLength: 100,
      });
    });
  });
});

describe('createAll (the sample users)', () => {
  test('creates every user as create would (trimmed, canonical email, generated id), in one insertAll', async () => {
    const insertAll = jest.spyOn(repository, 'insertAll');
    const insert = jest.spyOn(repository, 'insert');
    expect(await service.createAll([aUser({ email: ' a@x.io ', id: 'a' }), aUser({ email: 'jose\u0301@x.io' })])).toEqual({
      ok: true,
      outcomes: [
        { ok: true, value: aUser({ email: 'a@x.io', id: 'a' }) },
        { ok: true, value: aUser({ email: 'jos\u00e9@x.io', id: 'generated-1' }) },
      ],
    });
    expect(insertAll).toHaveBeenCalledTimes(1);
    expect(insert).not.toHaveBeenCalled();
    expect(await repository.count()).toBe(2);
  });

  test.each<[string, User[], number, string]>([
    ['an invalid user', [aUser({ email: 'a@x.io' }), aUser({ email: 'b@x.io' }), aUser({ email: 'c@x.io', age: 151 })], 2, 'user.age must be between 0 and 150, got 151'],
    ['an email twice (another case)', [aUser({ email: 'a@x.io' }), aUser({ email: 'b@x.io' }), aUser({ email: 'A@X.io' })], 2, 'email already exists'],
    ['an id twice (once with spaces)', [aUser({ id: 'u1', email: 'a@x.io' }), aUser({ id: ' u1 ', email: 'b@x.io' })], 1, 'id u1 already exists'],
  ])('%s refuses the whole set, naming its index, and stores none of it', async (_what, users, index, message) => {
    const kind = message.endsWith('already exists') ? 'conflict' : 'invalid';
    expect(await service.createAll(users)).toEqual({ ok: false, index, failure: { ok: false, kind, message } });
    expect(await repository.count()).toBe(0);
  });

  test('a user whose email or id is already stored (a replica loading the same set) is refused as create refuses it; the others are stored', async () => {
    await mustCreate(aUser({ id: 'b', email: 'b@x.io' }));
    expect(await service.createAll([aUser({ id: 'a', email: 'a@x.io' }), aUser({ id: 'b2', email: 'B@x.io' }), aUser({ id: 'b', email: 'c@x.io' })])).toEqual({
      ok: true,
      outcomes: [
        { ok: true, value: aUser({ id: 'a', email: 'a@x.io' }) },
        { ok: false, kind: 'conflict', message: 'email already exists' },
        { ok: false, kind: 'conflict', message: 'id b already exists' },
      ],
    });
    expect(emailsOf(pageUsers(await service.list(FIRST_PAGE)) as User[])).toEqual(['a@x.io', 'b@x.io']);
  });

  test('a full store refuses the set at the first user that does not fit', async () => {
    service = new UserService(new MemoryUserRepository(1));
    expect(await service.createAll([aUser({ email: 'a@x.io' }), aUser({ email: 'b@x.io' })])).toEqual({
      ok: false,
      index: 1,
      failure: { ok: false, kind: 'full', message: 'the directory is full (1 users)' },
    });
  });
});

describe('getByEmail', () => {
  beforeEach(async () => {
    await mustCreate(aUser({ id: 'a', email: 'Alice@x.io' }));
  });

  test.each(['Alice@x.io', 'alice@x.io', 'ALICE@X.IO', ' alice@x.io '])('finds %j case-insensitively', async (email) => {
    expect(await service.getByEmail(email)).toEqual({ ok: true, value: aUser({ id: 'a', email: 'Alice@x.io' }) });
  });

  test('an unknown email is not found, with the message of the Go service', async () => {
    expect(await service.getByEmail('bob@x.io')).toEqual({ ok: false, kind: 'not-found', message: 'the email bob@x.io cannot be found' });
  });

  test('the not-found message names the trimmed email', async () => {
    expect(await service.getByEmail('  bob@x.io\t')).toEqual({ ok: false, kind: 'not-found', message: 'the email bob@x.io cannot be found' });
  });

  test.each(['', '   '])('an empty email %j is invalid', async (email) => {
    expect(await service.getByEmail(email)).toEqual({ ok: false, kind: 'invalid', message: 'email cannot be empty' });
  });

  test('an email over the limit is invalid, whether sent as text or judged from its bytes by the transport', async () => {
    const tooLong = { ok: false, kind: 'invalid', message: `email must be at most ${LIMITS.emailLength} characters` };
    expect(await service.getByEmail(`${'é'.repeat(LIMITS.emailLength - 4)}@x.io`)).toEqual(tooLong);
    expect(await service.getByEmail(new TextOverLimit(LIMITS.emailLength))).toEqual(tooLong);
    await expect(service.getByEmail(new TextOverLimit(LIMITS.nameQueryLength))).rejects.toThrow('text judged against a limit of 100 code points');
  });
});

describe('list', () => {
  test('is empty without users', async () => {
    expect(pageUsers(await service.list(FIRST_PAGE))).toEqual([]);
  });

  test('sorts by email ascending, ignoring case', async () => {
    for (const email of ['carol@x.io', 'Bob@x.io', 'alice@x.io', 'Dave@x.io', 'bea@x.io']) await mustCreate(aUser({ email }));
    const outcome = pageUsers(await service.list(FIRST_PAGE));
    expect(Array.isArray(outcome) && emailsOf(outcome)).toEqual(['alice@x.io', 'bea@x.io', 'Bob@x.io', 'carol@x.io', 'Dave@x.io']);
  });

  test('uses code-unit order, not the locale: digits and dots before letters', async () => {
    for (const email of ['b@x.io', 'a.b@x.io', 'a1@x.io', 'ab@x.io', 'a@x.io']) await mustCreate(aUser({ email }));
    const outcome = pageUsers(await service.list(FIRST_PAGE));
    expect(Array.isArray(outcome) && emailsOf(outcome)).toEqual(['a.b@x.io', 'a1@x.io', 'a@x.io', 'ab@x.io', 'b@x.io']);
  });
});

describe('searchName', () => {
  beforeEach(async () => {
    await mustCreate(aUser({ email: 'mael@x.io', firstName: 'Maël', lastName: 'Valadier' }));
    await mustCreate(aUser({ email: 'valencia@x.io', firstName: 'Valencia', lastName: 'Dorsey' }));
    await mustCreate(aUser({ email: 'jose@x.io', firstName: 'José', lastName: 'Carvalho' }));
    await mustCreate(aUser({ email: 'ana@x.io', firstName: 'Ana', lastName: 'Muñoz' }));
    await mustCreate(aUser({ email: 'brunet@x.io', firstName: 'Chloé', lastName: 'Brunet' }));
  });

  const search = async (query: string) => {
    const outcome = pageUsers(await service.searchName(query, FIRST_PAGE));
    return Array.isArray(outcome) ? emailsOf(outcome) : outcome;
  };

  test.each([
    ['mael', ['mael@x.io']],
    ['MAËL', ['mael@x.io']],
    ['ALENC', ['valencia@x.io']],
    ['jose', ['jose@x.io']],
    ['JOSÉ', ['jose@x.io']],
    ['munoz', ['ana@x.io']],
    ['chloe', ['brunet@x.io']],
    ['  carv ', ['jose@x.io']],
    ['nobody', []],
  ])('%j finds %j', async (query, emails) => {
    expect(await search(query)).toEqual(emails);
  });

  test('matches the first or the last name, sorted by email', async () => {
    // "val": Carvalho and Valadier (last names), Valencia (first name); "un": Muñoz, Brunet.
    expect(await search('val')).toEqual(['jose@x.io', 'mael@x.io', 'valencia@x.io']);
    expect(await search('un')).toEqual(['ana@x.io', 'brunet@x.io']);
  });

  test('letters that do not decompose fold too (ł, ø, ß, æ)', async () => {
    await mustCreate(aUser({ email: 'lukasz@x.io', firstName: 'Łukasz', lastName: 'Nowak' }));
    await mustCreate(aUser({ email: 'soren@x.io', firstName: 'Søren', lastName: 'Kjær' }));
    await mustCreate(aUser({ email: 'jurgen@x.io', firstName: 'Jürgen', lastName: 'Weiß' }));
    expect(await search('lukasz')).toEqual(['lukasz@x.io']);
    expect(await search('SOREN')).toEqual(['soren@x.io']);
    expect(await search('kjaer')).toEqual(['soren@x.io']);
    expect(await search('weiss')).toEqual(['jurgen@x.io']);
    expect(await search('Weiß')).toEqual(['jurgen@x.io']);
  });

  test('does not match across first and last name, nor the email', async () => {
    expect(await search('ana muñoz')).toEqual([]);
    expect(await search('x.io')).toEqual([]);
  });

  test.each(['', '   ', '\t'])('an empty query %j is invalid', async (query) => {
    expect(await service.searchName(query, FIRST_PAGE)).toEqual({ ok: false, kind: 'invalid', message: 'name query cannot be empty' });
  });

  test('a query over the limit is invalid; at the limit it is accepted', async () => {
    expect(await service.searchName('a'.repeat(LIMITS.nameQueryLength + 1), FIRST_PAGE)).toEqual({
      ok: false,
      kind: 'invalid',
      message: `name query must be at most ${LIMITS.nameQueryLength} characters`,
    });
    expect(pageUsers(await service.searchName('é'.repeat(LIMITS.nameQueryLength), FIRST_PAGE))).toEqual([]);
  });

  test('a query the transport judged over the limit from its bytes gets the same answer', async () => {
    expect(await service.searchName(new TextOverLimit(LIMITS.nameQueryLength), FIRST_PAGE)).toEqual({
      ok: false,
      kind: 'invalid',
      message: `name query must be at most ${LIMITS.nameQueryLength} characters`,
    });
    await expect(service.searchName(new TextOverLimit(10), FIRST_PAGE)).rejects.toThrow('text judged against a limit of 10 code points');
  });
});

describe('searchAge', () => {
  beforeEach(async () => {
    const people: Array<[string, number]> = [['e@x.io', 42], ['d@x.io', 30], ['c@x.io', 42], ['b@x.io', 29], ['a@x.io', 43], ['f@x.io', 30]];
    for (const [email, age] of people) await mustCreate(aUser({ email, age }));
  });

  const search = async (from: number, toIncluded: number) => {
    const outcome = pageUsers(await service.searchAge({ from, toIncluded }, FIRST_PAGE));
    return Array.isArray(outcome) ? outcome.map((u) => `${u.age} ${u.email}`) : outcome;
  };

  test('includes both bounds, sorted by age then email', async () => {
    expect(await search(30, 42)).toEqual(['30 d@x.io', '30 f@x.io', '42 c@x.io', '42 e@x.io']);
  });

  test('a one-year range', async () => {
    expect(await search(42, 42)).toEqual(['42 c@x.io', '42 e@x.io']);
  });

  test('a range with nobody in it', async () => {
    expect(await search(31, 41)).toEqual([]);
    expect(await search(-10, -1)).toEqual([]);
  });

  test('the whole range', async () => {
    expect(await search(0, 150)).toEqual(['29 b@x.io', '30 d@x.io', '30 f@x.io', '42 c@x.io', '42 e@x.io', '43 a@x.io']);
  });

  test('a missing range is invalid', async () => {
    expect(await service.searchAge(undefined, FIRST_PAGE)).toEqual({ ok: false, kind: 'invalid', message: 'ageRange is required' });
  });

  test('from greater than to_included is invalid, naming both', async () => {
    expect(await service.searchAge({ from: 50, toIncluded: 40 }, FIRST_PAGE)).toEqual({
      ok: false,
      kind: 'invalid',
      message: 'ageRange.from (50) must not be greater than ageRange.to_included (40)',
    });
  });
});

test('count follows creates', async () => {
  expect(await service.count()).toBe(0);
  await mustCreate(aUser({ email: 'a@x.io' }));
  await mustCreate(aUser({ email: 'b@x.io' }));
  expect(await service.count()).toBe(2);
});
