import { compareAgeOrderKeys, compareKeys } from '../../src/domain/key-order';

const sign = (n: number) => Math.sign(n);

test.each([
  ['a', 'a', 0],
  ['a', 'b', -1],
  ['b', 'a', 1],
  ['a', 'ab', -1],
  ['', 'a', -1],
  ['Z', 'a', -1],
  ['z', 'é', -1],
  // U+FF5E < U+1F600 by code point, although 0xFF5E > 0xD83D (the high surrogate) by UTF-16 unit.
  ['\u{FF5E}', '\u{1F600}', -1],
  ['\u{E000}', '\u{10000}', -1],
  ['\u{D7FF}', '\u{10000}', -1],
  ['\u{1F600}', '\u{1F601}', -1],
  ['x\u{1F600}', 'x\u{FFFF}', 1],
])('compareKeys(%j, %j) has the sign %d (code point order)', (a, b, expected) => {
  expect(sign(compareKeys(a, b))).toBe(expected);
  expect(sign(compareKeys(b, a))).toBe(-expected || 0);
});

test('compareKeys sorts as the code points of the strings do', () => {
  const keys = ['b', '\u{1F600}', 'a\u{FF5E}', '\u{FFFD}', 'a\u{10400}', 'a', 'é', '\u{E9}a', ''];
  const byCodePoints = (s: string) => [...s].map((c) => c.codePointAt(0)!);
  const expected = [...keys].sort((x, y) => {
    const [a, b] = [byCodePoints(x), byCodePoints(y)];
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  });
  expect([...keys].sort(compareKeys)).toEqual(expected);
  // Buffer comparison of UTF-8 is byte order, which is PostgreSQL's COLLATE "C".
  expect([...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))).toEqual(expected);
});

test('compareAgeOrderKeys: age first, then the email key', () => {
  expect(compareAgeOrderKeys({ age: 30, emailKey: 'z' }, { age: 31, emailKey: 'a' })).toBeLessThan(0);
  expect(compareAgeOrderKeys({ age: 31, emailKey: 'a' }, { age: 31, emailKey: 'b' })).toBeLessThan(0);
  expect(compareAgeOrderKeys({ age: 31, emailKey: 'b' }, { age: 31, emailKey: 'b' })).toBe(0);
});
