import { createHash } from 'node:crypto';
import { decodePageToken, encodePageToken, MAX_PAGE_TOKEN_LENGTH, type PagedQuery } from '../../src/domain/page-token';
import { emailKey } from '../../src/domain/email-key';
import { LIMITS } from '../../src/domain/limits';

const LIST: PagedQuery = { kind: 'list' };
const NAME: PagedQuery = { kind: 'name', foldedQuery: 'mael' };
const AGE: PagedQuery = { kind: 'age', from: 20, toIncluded: 40 };

/** A token made by hand with the documented recipe, as a forger would. */
function handMade(query: unknown[], payload: Buffer): string {
  const sum = createHash('sha256').update(JSON.stringify(query)).update(payload).digest().subarray(0, 8);
  return Buffer.concat([payload, sum]).toString('base64url');
}

describe('round trip', () => {
  test.each<[PagedQuery, { emailKey: string; age?: number }]>([
    [LIST, { emailKey: 'alice@x.io' }],
    [NAME, { emailKey: 'zoë@x.io' }],
    [LIST, { emailKey: 'a\u{1F600}@x.io' }],
    [AGE, { emailKey: 'bob@x.io', age: 20 }],
    [AGE, { emailKey: 'bob@x.io', age: 40 }],
  ])('%j at %j', (query, position) => {
    const token = encodePageToken(query, position);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken(query, token)).toEqual(position);
  });

  test.each(['ß', '\u0390', '\u{1F600}', '\uFB03'])('the token of the longest email key made of %j is within MAX_PAGE_TOKEN_LENGTH', (c) => {
    // Case folding grows ß to ss; U+1F600 is 4 bytes of UTF-8; NFKC grows the ligature U+FB03 to ffi.
    const key = emailKey(c.repeat(LIMITS.emailLength));
    const token = encodePageToken(AGE, { emailKey: key, age: 30 });
    expect(token.length).toBeLessThanOrEqual(MAX_PAGE_TOKEN_LENGTH);
    expect(decodePageToken(AGE, token)).toEqual({ emailKey: key, age: 30 });
  });
});

describe('bound to its query: a token of another query is refused', () => {
  const listToken = encodePageToken(LIST, { emailKey: 'alice@x.io' });
  test.each<[string, PagedQuery, string]>([
    ['List token on SearchName', NAME, listToken],
    ['SearchName token on List', LIST, encodePageToken(NAME, { emailKey: 'alice@x.io' })],
    ['another name query', { kind: 'name', foldedQuery: 'mae' }, encodePageToken(NAME, { emailKey: 'alice@x.io' })],
    ['another age range (from)', { ...AGE, from: 21 }, encodePageToken(AGE, { emailKey: 'alice@x.io', age: 30 })],
    ['another age range (to)', { ...AGE, toIncluded: 41 }, encodePageToken(AGE, { emailKey: 'alice@x.io', age: 30 })],
    ['List token on SearchAge', AGE, listToken],
    ['SearchAge token on List', LIST, encodePageToken(AGE, { emailKey: 'alice@x.io', age: 30 })],
  ])('%s', (_what, query, token) => {
    expect(decodePageToken(query, token)).toBeUndefined();
  });
});

describe('garbled tokens are refused', () => {
  const token = encodePageToken(LIST, { emailKey: 'alice@x.io' });
  const flipped = (i: number) => token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
  test.each<[string, string]>([
    ['a changed first character', flipped(0)],
    ['a changed middle character', flipped(Math.floor(token.length / 2))],
    ['a changed last character', flipped(token.length - 1)],
    ['cut short', token.slice(0, -1)],
    ['cut in half', token.slice(0, token.length / 2)],
    ['one character more', `${token}A`],
    ['padded', `${token}=`],
    ['base64 (not base64url) characters', token.replace(/^./, '+')],
    ['white space', ` ${token}`],
    ['not base64 at all', 'page-2!'],
    ['one character', 'A'],
    ['a NUL', '\0'],
    ['twice the token', token + token],
  ])('%s', (_what, garbled) => {
    expect(decodePageToken(LIST, garbled)).toBeUndefined();
  });

  test('every single-character change of a token is refused', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < token.length; i++) {
      for (const c of alphabet) {
        if (c === token[i]) continue;
        expect(decodePageToken(LIST, token.slice(0, i) + c + token.slice(i + 1))).toBeUndefined();
      }
    }
  });

  test('a 4 MiB token is refused on its length, before any decoding', () => {
    const huge = 'A'.repeat(4 * 1024 * 1024);
    const from = jest.spyOn(Buffer, 'from');
    try {
      expect(decodePageToken(LIST, huge)).toBeUndefined();
      expect(from).not.toHaveBeenCalled();
    } finally {
      from.mockRestore();
    }
  });

  test('one character over MAX_PAGE_TOKEN_LENGTH is refused, whatever it holds', () => {
    expect(decodePageToken(LIST, 'A'.repeat(MAX_PAGE_TOKEN_LENGTH + 1))).toBeUndefined();
  });
});

describe('forged tokens (made with the recipe) are refused unless they are a real position of the query', () => {
  const LIST_ID = ['users-grpc page token', 'list'];
  const AGE_ID = ['users-grpc page token', 'age', 20, 40];

  test('the recipe makes tokens the server accepts: a forged but valid position is just a position', () => {
    expect(decodePageToken(LIST, handMade(LIST_ID, Buffer.from('\x01bob@x.io')))).toEqual({ emailKey: 'bob@x.io' });
    expect(decodePageToken(AGE, handMade(AGE_ID, Buffer.from([1, 25, ...Buffer.from('bob@x.io')])))).toEqual({ emailKey: 'bob@x.io', age: 25 });
  });

  test.each<[string, PagedQuery, string]>([
    ['another version', LIST, handMade(LIST_ID, Buffer.from('\x02bob@x.io'))],
    ['an empty key', LIST, handMade(LIST_ID, Buffer.from([1]))],
    ['a key that is not UTF-8', LIST, handMade(LIST_ID, Buffer.from([1, 0x62, 0xff, 0xfe]))],
    ['a key with a lone surrogate (CESU-8)', LIST, handMade(LIST_ID, Buffer.from([1, 0xed, 0xa0, 0x80]))],
    ['a key holding U+0000 (no key holds a control character; PostgreSQL text cannot)', LIST, handMade(LIST_ID, Buffer.from('\x01m\x00'))],
    ['a key holding U+001B', LIST, handMade(LIST_ID, Buffer.from('\x01bob\x1b@x.io'))],
    ['an age token whose key holds U+0000', AGE, handMade(AGE_ID, Buffer.from([1, 25, ...Buffer.from('bob@x.io\x00')]))],
    ['an age below the range', AGE, handMade(AGE_ID, Buffer.from([1, 19, ...Buffer.from('bob@x.io')]))],
    ['an age above the range', AGE, handMade(AGE_ID, Buffer.from([1, 41, ...Buffer.from('bob@x.io')]))],
    ['an age token without its age', AGE, handMade(AGE_ID, Buffer.from([1]))],
    ['a key longer than any email key', LIST, handMade(LIST_ID, Buffer.concat([Buffer.from([1]), Buffer.alloc(MAX_PAGE_TOKEN_LENGTH, 0x61)]))],
  ])('%s', (_what, query, token) => {
    expect(decodePageToken(query, token)).toBeUndefined();
  });
});
