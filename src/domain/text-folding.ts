/**
 * Folds text for name search: case-insensitive and diacritic-insensitive, so
 * that `mael` matches `Maël` and `jose` matches `José`. NFKD splits accented
 * letters into base letter + combining mark; the marks are then dropped.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase('und')
    .replace(UNSPLIT_LETTERS, (letter) => UNSPLIT_FOLDS[letter]);
}

// Letters that NFKD does not split (so `lukasz` would miss `Łukasz`), folded
// as PostgreSQL's unaccent folds them.
const UNSPLIT_FOLDS: Record<string, string> = { ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ı: 'i', ŧ: 't', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'th', ð: 'd' };
const UNSPLIT_LETTERS = new RegExp(`[${Object.keys(UNSPLIT_FOLDS).join('')}]`, 'g');
