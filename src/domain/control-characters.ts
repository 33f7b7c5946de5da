/**
 * Control characters (U+0000-U+001F, U+007F-U+009F). No stored field holds
 * one: Create refuses them in every field (PostgreSQL text cannot even hold
 * U+0000). So an email, a name query or a page token's key holding one
 * matches nothing, and is answered so without asking the store: the same
 * answer on every backend.
 */
const CONTROL_CHARACTER = /\p{Cc}/u;

export function holdsControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}
