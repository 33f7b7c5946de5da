/**
 * True when `text` has more than `max` code points. Reads at most max + 1 of
 * them, so checking a limit costs what the limit allows, not what was sent.
 */
export function exceedsCodePoints(text: string, max: number): boolean {
  // Each code point is one or two UTF-16 units: decide by length when we can.
  if (text.length <= max) return false;
  if (text.length > 2 * max) return true;
  let points = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    if (++points > max) return true;
  }
  return false;
}

/** `U+202E`: how a message names a character. */
export function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A text the transport judged from its UTF-8 bytes, without decoding it: once
 * trimmed, it has more than `limit` code points. A multi-MiB request field
 * over its limit is refused for its length, so it never becomes a string.
 */
export class TextOverLimit {
  constructor(readonly limit: number) {}

  /** A text judged against another limit than the rule's is a wiring mistake, not a client's. */
  assertJudgedAgainst(limit: number): void {
    if (this.limit !== limit) throw new Error(`text judged against a limit of ${this.limit} code points, the rule's is ${limit}`);
  }
}
