import { exceedsCodePoints } from '../../src/domain/code-points';
import { escape, quote, quoteEcho } from '../../src/shared/quote';

test.each<[string, string]>([
  ['plain', '"plain"'],
  ['a"b\\c', '"a\\"b\\\\c"'],
  ['line\nbreak\r\ttab', '"line\\nbreak\\r\\ttab"'],
  ['\u001b[2J', '"\\u001b[2J"'],
  // C1 control, bidi override, zero-width space, soft hyphen, line and paragraph separators.
  ['a\u0085b\u202Ec\u200Bd\u00ADe\u2028f\u2029', '"a\\u0085b\\u202ec\\u200bd\\u00ade\\u2028f\\u2029"'],
  ['lone \uD800 surrogate', '"lone \\ud800 surrogate"'],
  ['josé 😀', '"josé 😀"'],
])('quote(%j) is %s', (value, quoted) => {
  expect(quote(value)).toBe(quoted);
});

test('quoteEcho cuts to 100 code points with …, counting astral characters as one', () => {
  expect(quoteEcho('x'.repeat(100))).toBe(`"${'x'.repeat(100)}"`);
  expect(quoteEcho('x'.repeat(101))).toBe(`"${'x'.repeat(100)}…"`);
  expect(quoteEcho('😀'.repeat(101))).toBe(`"${'😀'.repeat(100)}…"`);
  expect(quoteEcho('😀'.repeat(60))).toBe(`"${'😀'.repeat(60)}"`);
  expect(quoteEcho(`${'\n'.repeat(101)}`)).toBe(`"${'\\n'.repeat(100)}…"`);
});

test('escape is quote without the quotes', () => {
  expect(escape('a"\n', 2)).toBe('a\\"…');
});

test('exceedsCodePoints counts code points and stops early', () => {
  expect(exceedsCodePoints('', 0)).toBe(false);
  expect(exceedsCodePoints('ab', 2)).toBe(false);
  expect(exceedsCodePoints('abc', 2)).toBe(true);
  expect(exceedsCodePoints('😀😀', 2)).toBe(false);
  expect(exceedsCodePoints('😀😀a', 2)).toBe(true);
  expect(exceedsCodePoints('\uD800\uD800', 2)).toBe(false);
  expect(exceedsCodePoints('\uD800\uD800\uD800', 2)).toBe(true);
});
