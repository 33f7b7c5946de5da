import { exceedsCodePoints } from '../../src/domain/code-points';
import { trimmedUtf8Span } from '../../src/server/transport/utf8-span';

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
/** What trimmedUtf8Span answers, as text: the kept span decoded, and whether it is over `max`. */
function span(text: string, max: number) {
  const bytes = utf8(text);
  const { start, end, exceeds } = trimmedUtf8Span(bytes, max);
  return { kept: Buffer.from(bytes.subarray(start, end)).toString('utf8'), exceeds };
}

describe('trimmedUtf8Span: the span trim() keeps, judged on UTF-8 bytes', () => {
  // Every white space and line terminator String.prototype.trim removes, at both ends.
  const trimmed = '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

  test.each<[string, string, number, { kept: string; exceeds: boolean }]>([
    ['plain ASCII', 'abc', 3, { kept: 'abc', exceeds: false }],
    ['one over', 'abcd', 3, { kept: 'abcd', exceeds: true }],
    ['white space around is not counted', `${trimmed}abc${trimmed}`, 3, { kept: 'abc', exceeds: false }],
    ['white space inside is', 'a b', 2, { kept: 'a b', exceeds: true }],
    ['two-byte code points', 'ééé', 3, { kept: 'ééé', exceeds: false }],
    ['three-byte code points (U+FDFA)', '\ufdfa'.repeat(4), 3, { kept: '\ufdfa'.repeat(4), exceeds: true }],
    ['four-byte code points count once', '😀😀😀', 3, { kept: '😀😀😀', exceeds: false }],
    ['four-byte code points, one over', '😀😀😀😀', 3, { kept: '😀😀😀😀', exceeds: true }],
    ['only white space', `${trimmed}${trimmed}`, 0, { kept: '', exceeds: false }],
    ['empty', '', 0, { kept: '', exceeds: false }],
    ['a non-space look-alike is kept (U+200B is not white space)', '\u200bab\u200b', 3, { kept: '\u200bab\u200b', exceeds: true }],
  ])('%s', (_what, text, max, expected) => {
    expect(span(text, max)).toEqual(expected);
    // The same verdict as the string rule it stands for.
    expect(exceedsCodePoints(text.trim(), max)).toBe(expected.exceeds);
    expect(expected.kept).toBe(text.trim());
  });

  test('4 MiB of white space around a word: the span is the word', () => {
    const padding = ' '.repeat(2 * 1024 * 1024);
    expect(span(`${padding}maël${padding}`, 100)).toEqual({ kept: 'maël', exceeds: false });
  });
});
