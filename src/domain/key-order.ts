/**
 * The order of users' keys: Unicode code point order, which is what PostgreSQL
 * gives for UTF-8 text under COLLATE "C" (byte order). JavaScript's `<` on
 * strings compares UTF-16 code units, which puts U+FFxx after astral
 * characters (U+1xxxx) written as surrogate pairs; every store orders keys with
 * this comparator instead, so that a page token means the same everywhere.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Moves surrogates (U+D800..U+DFFF) above U+E000..U+FFFF, where the code points
// they encode (U+10000 and up) belong; the first differing unit decides.
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** A position in the age order: age, then the email key. */
export interface AgeOrderKey {
  age: number;
  emailKey: string;
}

export function compareAgeOrderKeys(a: AgeOrderKey, b: AgeOrderKey): number {
  return a.age - b.age || compareKeys(a.emailKey, b.emailKey);
}
