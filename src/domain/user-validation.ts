import { quoteEcho } from '../shared/quote';
import { codePoint, exceedsCodePoints } from './code-points';
import { holdsControlCharacter } from './control-characters';
import { validateEmail } from './email-validation';
import { LIMITS } from './limits';
import type { NewUser } from './user';

const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

/**
 * Returns a one-line message naming the first invalid field, or undefined.
 * Every length is checked on the raw text, in code points, before anything
 * else reads the whole value.
 */
export function validateNewUser(user: NewUser): string | undefined {
  if (user.id !== '') {
    if (exceedsCodePoints(user.id, LIMITS.idLength)) return `user.id must be at most ${LIMITS.idLength} characters`;
    if (!ID_PATTERN.test(user.id)) return `user.id ${quoteEcho(user.id)} may only contain letters, digits, '.', '_', ':' and '-'`;
  }
  const emailProblem = validateEmail(user.email, 'user.email');
  if (emailProblem) return emailProblem;
  if (!Number.isInteger(user.age) || user.age < LIMITS.minAge || user.age > LIMITS.maxAge) {
    return `user.age must be between ${LIMITS.minAge} and ${LIMITS.maxAge}, got ${user.age}`;
  }
  return (
    checkText('user.name.first', user.firstName, LIMITS.nameLength) ??
    checkText('user.name.last', user.lastName, LIMITS.nameLength) ??
    checkText('user.phone', user.phone, LIMITS.phoneLength) ??
    checkText('user.address', user.address, LIMITS.addressLength)
  );
}


// Format characters (bidi overrides that reorder what a terminal shows, zero-width
// spaces) and the line and paragraph separators, which break a line. ZWJ and
// ZWNJ stay allowed: some scripts (Persian, Indic) and emoji sequences need them.
const FORMAT_OR_SEPARATOR = /[\p{Zl}\p{Zp}]|(?![\u200C\u200D])\p{Cf}/u;

function checkText(field: string, value: string, max: number): string | undefined {
  if (exceedsCodePoints(value, max)) return `${field} must be at most ${max} characters`;
  if (holdsControlCharacter(value)) return `${field} must not contain control characters`;
  const format = FORMAT_OR_SEPARATOR.exec(value);
  return format ? `${field} must not contain format characters or line separators (found ${codePoint(format[0])})` : undefined;
}
