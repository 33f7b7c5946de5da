/** How much of a value a message echoed to a client shows. */
export const ECHO_LIMIT = 100;

// JSON.stringify escapes C0 controls, quotes, backslashes and lone surrogates;
// these it leaves alone, though they break a line or fool a terminal: C1
// controls, format characters (bidi overrides, zero-width ones) and the
// Unicode line separators.
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Quotes a user-given value for a one-line message: escaped as a JSON string,
 * so control, format and line-breaking characters show as \uXXXX. With a
 * limit, only the first `limit` code points are shown, then "…"; the value is
 * never read past that point, whatever its size.
 */
export function quote(value: string, limit = Infinity): string {
  return `"${escape(value, limit)}"`;
}

/** quote() without the quotes, for messages whose wording is fixed (the Go service's). */
export function escape(value: string, limit = Infinity): string {
  const shown = truncateCodePoints(value, limit);
  const escaped = JSON.stringify(shown).slice(1, -1).replace(UNSAFE, unicodeEscape);
  return shown.length < value.length ? `${escaped}…` : escaped;
}

/**
 * Text from elsewhere (a server's message) made safe for one terminal line:
 * control, format and line-breaking characters become \uXXXX (\n, \r, \t as
 * such); quotes and everything else printable stay as they are.
 */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, (c) => SHORT_ESCAPES[c] ?? unicodeEscape(c));
}

/** A value echoed back to a client: quoted, escaped and cut to ECHO_LIMIT characters. */
export function quoteEcho(value: string): string {
  return quote(value, ECHO_LIMIT);
}

function truncateCodePoints(value: string, limit: number): string {
  if (value.length <= limit) return value;
  let units = 0;
  for (let points = 0; points < limit && units < value.length; points++) {
    units += value.codePointAt(units)! > 0xffff ? 2 : 1;
  }
  return value.slice(0, units);
}
