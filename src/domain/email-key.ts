/**
 * The key under which an email is unique and looked up: compatibility folding
 * (NFKC) and case folding, so that `KATE@x.io`, `kate@x.io`, the NFD and NFC
 * forms of `josé@x.io`, and `\u212Aate@x.io` (Kelvin sign) all give one key.
 * Callers pass an email that is already trimmed and within its length limit,
 * so this work is bounded (NFKC grows a string at most 18 times).
 *
 * JavaScript has no case-fold function: lower-, upper- then lower-casing gives
 * Unicode's full case folding for every letter that matters in addresses
 * (ß → ss, ǅ → ǆ), which toLowerCase alone does not. The first lower-casing
 * is for the capital sharp s: ẞ upper-cases to itself but lower-cases to ß,
 * so ß, ẞ, ss and SS all fold to ss. Unlike case folding, it makes the
 * dotless ı an i (it upper-cases to I): kept, as the two look alike.
 */
export function emailKey(email: string): string {
  // toLowerCase writes a word-final sigma as ς; case folding makes every sigma σ.
  return email.normalize('NFKC').toLowerCase().toUpperCase().toLowerCase().replace(/ς/g, 'σ').normalize('NFKC');
}

/** The form an email is stored and shown in: canonical composition (NFC). */
export function canonicalEmail(email: string): string {
  return email.normalize('NFC');
}
