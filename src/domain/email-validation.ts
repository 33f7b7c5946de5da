import { codePoint, exceedsCodePoints } from './code-points';
import { LIMITS } from './limits';
import { quoteEcho } from '../shared/quote';

// Deliberately permissive (local@domain.tld, no spaces): the real check of an
// address is delivering to it, and rejecting valid exotic addresses is worse.
// Control characters are never part of an address.
const EMAIL_PATTERN = /^[^\s@\p{Cc}]+@[^\s@.\p{Cc}]+(\.[^\s@.\p{Cc}]+)+$/u;
// Format characters and every other invisible one a renderer ignores
// (variation selectors, Hangul fillers, the combining grapheme joiner).
const INVISIBLE_CHARACTER = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
// Scripts whose letters look alike: one of each in a local part, or in one
// domain label, is a spoof.
const CONFUSABLE_SCRIPTS = [
  ['Latin', /\p{Script=Latin}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
] as const;

/**
 * Returns a one-line message naming what is wrong with an email (already
 * trimmed), or undefined. Its length is checked first, on the raw text in code
 * points, so that no normalisation ever runs on an unbounded string. Then the
 * rules that keep one identity per email: no invisible or format characters,
 * no compatibility characters (their look-alike plain form is what to write),
 * and no local part or domain label mixing Latin, Greek and Cyrillic letters.
 */
export function validateEmail(email: string, field: string): string | undefined {
  if (email === '') return `${field} cannot be empty`;
  if (exceedsCodePoints(email, LIMITS.emailLength)) return `${field} must be at most ${LIMITS.emailLength} characters`;
  const format = INVISIBLE_CHARACTER.exec(email);
  if (format) return `${field} must not contain invisible or format characters (found ${codePoint(format[0])})`;
  const compatibility = findCompatibilityCharacter(email);
  if (compatibility) {
    return `${field} must not contain compatibility characters (found ${codePoint(compatibility)}, write ${quoteEcho(compatibility.normalize('NFKC'))} instead)`;
  }
  if (!EMAIL_PATTERN.test(email)) return `${field} ${quoteEcho(email)} is not a valid email address`;
  const at = email.lastIndexOf('@');
  const localScripts = confusableScripts(email.slice(0, at));
  if (localScripts) return `${field} local part must not mix ${localScripts} letters`;
  for (const label of email.slice(at + 1).split('.')) {
    const labelScripts = confusableScripts(label);
    if (labelScripts) return `${field} domain label ${quoteEcho(label)} must not mix ${labelScripts} letters`;
  }
  return undefined;
}

/** "Latin and Cyrillic" when `text` mixes look-alike scripts, else undefined. */
function confusableScripts(text: string): string | undefined {
  const scripts = CONFUSABLE_SCRIPTS.filter(([, letters]) => letters.test(text)).map(([name]) => name);
  return scripts.length > 1 ? scripts.join(' and ') : undefined;
}

/**
 * A character that NFKC replaces while NFC keeps (full-width letters,
 * ligatures), or that NFC itself replaces by another single character (the
 * Kelvin sign K, the Ohm sign Ω): each looks like a plainer character it
 * would be confused with. Decomposed accents are fine: NFC composes them.
 */
function findCompatibilityCharacter(email: string): string | undefined {
  if (email.normalize('NFKC') === email) return undefined;
  for (const character of email) {
    const decomposed = character.normalize('NFD');
    if (decomposed !== character && [...decomposed].length === 1) return character;
    if (character.normalize('NFKC') !== character.normalize('NFC')) return character;
  }
  return undefined;
}
