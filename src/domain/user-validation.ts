import { LIMITS } from './limits';
import type { NewUser } from './user';

// Deliberately permissive (local@domain.tld, no spaces): the real check of an
// address is delivering to it, and rejecting valid exotic addresses is worse.
// Control characters are never part of an address.
const EMAIL_PATTERN = /^[^\s@\p{Cc}]+@[^\s@.\p{Cc}]+(\.[^\s@.\p{Cc}]+)+$/u;
const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

/** Returns a one-line message naming the first invalid field, or undefined. */
export function validateNewUser(user: NewUser): string | undefined {
  if (user.id !== '') {
    if (user.id.length > LIMITS.idLength) return `user.id must be at most ${LIMITS.idLength} characters`;
    if (!ID_PATTERN.test(user.id)) return `user.id ${quote(user.id)} may only contain letters, digits, '.', '_', ':' and '-'`;
  }
  const emailProblem = validateEmail(user.email, 'user.email');
  if (emailProblem) return emailProblem;
  if (!Number.isInteger(user.age) || user.age < LIMITS.minAge || user.age > LIMITS.maxAge) {
    return `user.age must be between ${LIMITS.minAge} and ${LIMITS.maxAge}, got ${user.age}`;
  }
  return (
    checkLength('user.name.first', user.firstName, LIMITS.nameLength) ??
    checkLength('user.name.last', user.lastName, LIMITS.nameLength) ??
    checkLength('user.phone', user.phone, LIMITS.phoneLength) ??
    checkLength('user.address', user.address, LIMITS.addressLength)
  );
}

export function validateEmail(email: string, field: string): string | undefined {
  if (email === '') return `${field} cannot be empty`;
  if (email.length > LIMITS.emailLength) return `${field} must be at most ${LIMITS.emailLength} characters`;
  if (!EMAIL_PATTERN.test(email)) return `${field} ${quote(email)} is not a valid email address`;
  return undefined;
}

function checkLength(field: string, value: string, max: number): string | undefined {
  if (hasControlCharacters(value)) return `${field} must not contain control characters`;
  // Count code points, not UTF-16 units, so that limits mean characters.
  return [...value].length > max ? `${field} must be at most ${max} characters` : undefined;
}

/** Quotes a value for a message, escaping control characters so that the message stays one line. */
function quote(value: string): string {
  return JSON.stringify(value);
}

function hasControlCharacters(value: string): boolean {
  return /\p{Cc}/u.test(value);
}
