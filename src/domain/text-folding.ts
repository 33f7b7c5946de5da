/**
 * Folds text for name search: case-insensitive and diacritic-insensitive, so
 * that `mael` matches `Maël` and `jose` matches `José`. NFKD splits accented
 * letters into base letter + combining mark; the marks are then dropped.
 */
export function foldForSearch(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase('und');
}

/** The key under which emails are unique: `Alice@x.io` and `alice@x.io` are one user. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
