import { FIRST_PAGE, pageUsers } from '../support/pages';
import { canonicalEmail, emailKey } from '../../src/domain/email-key';
import { LIMITS } from '../../src/domain/limits';
import { UserService } from '../../src/domain/user-service';
import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import { aUser } from '../support/users';

let service: UserService;
let repository: MemoryUserRepository;

beforeEach(() => {
  repository = new MemoryUserRepository();
  service = new UserService(repository, () => 'generated');
});

describe('emailKey', () => {
  test.each([
    ['KATE@Example.COM', 'kate@example.com'],
    ['josé@x.io', 'josé@x.io'],
    ['jose\u0301@x.io', 'josé@x.io'],
    ['\u212Aate@x.io', 'kate@x.io'],
    ['ｋａｔｅ@x.io', 'kate@x.io'],
    ['straße@x.io', 'strasse@x.io'],
    ['STRAẞE@x.io', 'strasse@x.io'],
    ['straẞe@x.io', 'strasse@x.io'],
    ['STRASSE@x.io', 'strasse@x.io'],
    ['ΟΔΥΣΣΕΥΣ@x.io', 'οδυσσευσ@x.io'],
    // Not case folding (which keeps ı apart): one key for two look-alikes, on purpose.
    ['kıte@x.io', 'kite@x.io'],
  ])('%j → %j', (email, key) => {
    expect(emailKey(email)).toBe(key);
  });

  test('the stored form is NFC', () => {
    expect(canonicalEmail('jose\u0301@x.io')).toBe('jos\u00e9@x.io');
  });
});

describe('the look-alike table: one identity per email', () => {
  beforeEach(async () => {
    expect(await service.create(aUser({ id: 'kate', email: 'kate@example.com', firstName: 'Kate' }))).toMatchObject({ ok: true });
  });

  test.each<[string, string, string]>([
    ['Kelvin sign K', '\u212Aate@example.com', 'user.email must not contain compatibility characters (found U+212A, write "K" instead)'],
    ['full-width letters', 'ｋａｔｅ@example.com', 'user.email must not contain compatibility characters (found U+FF4B, write "k" instead)'],
    ['a ligature', 'ﬁle@example.com', 'user.email must not contain compatibility characters (found U+FB01, write "fi" instead)'],
    ['a full-width at sign', 'kate＠example.com', 'user.email must not contain compatibility characters (found U+FF20, write "@" instead)'],
    ['a zero-width space', 'ka\u200Bte@example.com', 'user.email must not contain invisible or format characters (found U+200B)'],
    ['a zero-width joiner', 'ka\u200Dte@example.com', 'user.email must not contain invisible or format characters (found U+200D)'],
    ['a left-to-right mark', '\u200Ekate@example.com', 'user.email must not contain invisible or format characters (found U+200E)'],
    ['a right-to-left override', 'kate\u202E@example.com', 'user.email must not contain invisible or format characters (found U+202E)'],
    ['a soft hyphen', 'ka\u00ADte@example.com', 'user.email must not contain invisible or format characters (found U+00AD)'],
    ['a Cyrillic а in a Latin local part', 'k\u0430te@example.com', 'user.email local part must not mix Latin and Cyrillic letters'],
    ['a Greek ο in a Latin local part', 'b\u03BFb@example.com', 'user.email local part must not mix Latin and Greek letters'],
    ['an emoji variation selector', 'kate\uFE0F@example.com', 'user.email must not contain invisible or format characters (found U+FE0F)'],
    ['a text variation selector', 'v\uFE00s@example.com', 'user.email must not contain invisible or format characters (found U+FE00)'],
    ['a supplementary variation selector', 'v\u{E0100}s@example.com', 'user.email must not contain invisible or format characters (found U+E0100)'],
    ['a combining grapheme joiner', 'v\u034Fs@example.com', 'user.email must not contain invisible or format characters (found U+034F)'],
    ['a Hangul choseong filler', 'v\u115Fs@example.com', 'user.email must not contain invisible or format characters (found U+115F)'],
    ['a Hangul jungseong filler', 'v\u1160s@example.com', 'user.email must not contain invisible or format characters (found U+1160)'],
    ['a Khmer inherent vowel', 'v\u17B4s@example.com', 'user.email must not contain invisible or format characters (found U+17B4)'],
    ['a Cyrillic а in a Latin domain label', 'kate@ex\u0430mple.com', 'user.email domain label "ex\u0430mple" must not mix Latin and Cyrillic letters'],
    ['a Greek ο in a Latin top-level domain', 'kate@example.c\u03BFm', 'user.email domain label "c\u03BFm" must not mix Latin and Greek letters'],
  ])('%s is refused, and Kate stays Kate', async (_what, email, message) => {
    expect(await service.create(aUser({ email, firstName: 'Mallory' }))).toEqual({ ok: false, kind: 'invalid', message });
    expect(await repository.count()).toBe(1);
    const kate = await service.getByEmail('kate@example.com');
    expect(kate.ok && kate.value.firstName).toBe('Kate');
  });

  test.each(['KATE@example.com', 'kate@EXAMPLE.com', 'Kate@Example.Com'])('%j is Kate, so it cannot be created again', async (email) => {
    expect(await service.create(aUser({ email, firstName: 'Mallory' }))).toEqual({ ok: false, kind: 'conflict', message: 'email already exists' });
    const found = await service.getByEmail(email);
    expect(found.ok && found.value).toEqual(aUser({ id: 'kate', email: 'kate@example.com', firstName: 'Kate' }));
  });

  test('with straße stored, the capital sharp s (ẞ) and ss are the same user: Create fails, look-ups find straße', async () => {
    expect(await service.create(aUser({ id: 'strasse', email: 'straße@example.com' }))).toMatchObject({ ok: true });
    for (const email of ['STRAẞE@example.com', 'straẞe@example.com', 'strasse@example.com', 'STRASSE@example.com']) {
      expect(await service.create(aUser({ email }))).toEqual({ ok: false, kind: 'conflict', message: 'email already exists' });
      const found = await service.getByEmail(email);
      expect(found.ok && found.value.email).toBe('straße@example.com');
    }
    expect(await repository.count()).toBe(2);
  });

  test('a look-up with the Kelvin sign finds Kate: look-ups fold as keys do', async () => {
    const found = await service.getByEmail('\u212Aate@example.com');
    expect(found.ok && found.value.id).toBe('kate');
  });

  test('NFC and NFD forms of one address are one user, stored in NFC', async () => {
    const created = await service.create(aUser({ id: 'jose', email: 'jose\u0301@example.com' }));
    expect(created).toEqual({ ok: true, value: aUser({ id: 'jose', email: 'jos\u00e9@example.com' }) });
    expect(await service.create(aUser({ email: 'jos\u00e9@example.com' }))).toEqual({ ok: false, kind: 'conflict', message: 'email already exists' });
    for (const form of ['jos\u00e9@example.com', 'jose\u0301@example.com', 'JOSÉ@example.com']) {
      const found = await service.getByEmail(form);
      expect(found.ok && found.value.id).toBe('jose');
    }
  });

  test.each(['иван@example.com', 'δοκιμή@example.com', '用户@例子.广告', 'müller@example.de', 'ivan.2024@пример.рф'])(
    'an internationalised address in one script stays valid: %j',
    async (email) => {
      expect(await service.create(aUser({ email }))).toEqual({ ok: true, value: aUser({ id: 'generated', email }) });
    },
  );
});

describe('limits are on the raw input, in code points, before any normalisation', () => {
  test('a 134-character email of 2-unit characters is accepted (the limit counts characters)', async () => {
    const email = `${'😀'.repeat(129)}@x.io`;
    expect([...email]).toHaveLength(134);
    expect(email.length).toBeGreaterThan(LIMITS.emailLength);
    expect(await service.create(aUser({ email }))).toMatchObject({ ok: true });
  });

  test('an email of 255 characters is refused before it is normalised', async () => {
    // U+FDFA grows 18 times under NFKC: refused on its raw length.
    const email = `${'\uFDFA'.repeat(250)}@x.io`;
    expect(await service.create(aUser({ email }))).toEqual({ ok: false, kind: 'invalid', message: 'user.email must be at most 254 characters' });
    expect(await service.getByEmail(email)).toEqual({ ok: false, kind: 'invalid', message: 'email must be at most 254 characters' });
  });

  test('60 × ß is a 60-character query (folding would make it 120)', async () => {
    expect(pageUsers(await service.searchName('ß'.repeat(60), FIRST_PAGE))).toEqual([]);
  });

  test('101 × U+FDFA is refused on its raw length; 100 are accepted', async () => {
    expect(await service.searchName('\uFDFA'.repeat(101), FIRST_PAGE)).toEqual({ ok: false, kind: 'invalid', message: 'name query must be at most 100 characters' });
    expect(pageUsers(await service.searchName('\uFDFA'.repeat(100), FIRST_PAGE))).toEqual([]);
  });

  test('a 4 MiB query is refused without being read whole', async () => {
    expect(await service.searchName('\uFDFA'.repeat(1_398_000), FIRST_PAGE)).toEqual({ ok: false, kind: 'invalid', message: 'name query must be at most 100 characters' });
  });
});

describe('messages echoed to the client are escaped and cut to 100 characters', () => {
  test('an unknown email: escaped, cut with …', async () => {
    const email = `\u001b[31m\r\n${'a'.repeat(250)}@x.io`;
    expect(await service.getByEmail(email)).toEqual({ ok: false, kind: 'invalid', message: 'email must be at most 254 characters' });
    const shorter = `\u001b[31m\r\n${'a'.repeat(150)}@x.io`;
    expect(await service.getByEmail(shorter)).toEqual({
      ok: false,
      kind: 'not-found',
      message: `the email \\u001b[31m\\r\\n${'a'.repeat(93)}… cannot be found`,
    });
  });

  test('an invalid email: quoted, escaped, cut with …', async () => {
    const email = `${'b'.repeat(120)}\n@x.io`;
    expect(await service.create(aUser({ email }))).toEqual({
      ok: false,
      kind: 'invalid',
      message: `user.email "${'b'.repeat(100)}…" is not a valid email address`,
    });
  });
});

describe('--max-users: the memory store is bounded', () => {
  test('past the bound, create answers FAILED "the directory is full (N users)"; look-ups still work', async () => {
    const bounded = new UserService(new MemoryUserRepository(2), () => 'id');
    expect(await bounded.create(aUser({ id: 'a', email: 'a@x.io' }))).toMatchObject({ ok: true });
    expect(await bounded.create(aUser({ id: 'b', email: 'b@x.io' }))).toMatchObject({ ok: true });
    expect(await bounded.create(aUser({ id: 'c', email: 'c@x.io' }))).toEqual({ ok: false, kind: 'full', message: 'the directory is full (2 users)' });
    // A duplicate is still named as such: the store is not the first thing to say no.
    expect(await bounded.create(aUser({ id: 'd', email: 'A@x.io' }))).toEqual({ ok: false, kind: 'conflict', message: 'email already exists' });
    expect(await bounded.count()).toBe(2);
    expect(await bounded.getByEmail('b@x.io')).toMatchObject({ ok: true });
  });
});
