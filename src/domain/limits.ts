/** Bounds on what a user may hold; documented in the README. */
export const LIMITS = {
  minAge: 0,
  maxAge: 150,
  /** RFC 5321: a forward path is at most 256 octets including <>, so 254. */
  emailLength: 254,
  idLength: 64,
  nameLength: 100,
  phoneLength: 50,
  addressLength: 300,
  nameQueryLength: 100,
} as const;
