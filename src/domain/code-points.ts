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

/**
 * The span of valid UTF-8 `bytes` that String.prototype.trim would keep, and
 * whether it holds more than `max` code points. Reads the white space at each
 * end and at most max + 1 code points between, whatever the size of `bytes`.
 */
export function trimmedUtf8Span(bytes: Uint8Array, max: number): { start: number; end: number; exceeds: boolean } {
  let start = 0;
  while (start < bytes.length) {
    const length = utf8Length(bytes[start]);
    if (!isTrimmed(bytes, start, length)) break;
    start += length;
  }
  let end = bytes.length;
  while (end > start) {
    let lead = end - 1;
    while (lead > start && isContinuation(bytes[lead])) lead--;
    if (!isTrimmed(bytes, lead, end - lead)) break;
    end = lead;
  }
  // A code point is one lead byte and its continuation bytes.
  let points = 0;
  for (let i = start; i < end; i++) {
    if (!isContinuation(bytes[i]) && ++points > max) return { start, end, exceeds: true };
  }
  return { start, end, exceeds: false };
}

const isContinuation = (byte: number) => (byte & 0xc0) === 0x80;
const utf8Length = (lead: number) => (lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4);

/** Whether the code point at bytes[at, at + length) is one trim() removes: the engine decides, not a list of ours. */
function isTrimmed(bytes: Uint8Array, at: number, length: number): boolean {
  const lead = bytes[at];
  if (length === 1) return lead === 0x20 || (lead >= 0x09 && lead <= 0x0d);
  const character = UTF8.decode(bytes.subarray(at, at + length));
  return character.trim() === '';
}

const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });
