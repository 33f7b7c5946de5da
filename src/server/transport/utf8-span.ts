// Request fields judged on their UTF-8 bytes, before any becomes a string
// (strict-utf8.ts): a multi-MiB field over its limit is never decoded.

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
