import { createHash, timingSafeEqual } from 'node:crypto';
import { holdsControlCharacter } from './control-characters';
import { LIMITS } from './limits';

/** A paged query, as its page tokens are bound to it (page_size is not part of it). */
export type PagedQuery =
  | { kind: 'list' }
  | { kind: 'name'; foldedQuery: string }
  | { kind: 'age'; from: number; toIncluded: number };

/** Where the next page starts: strictly after this key (and age, in the age order). */
export interface PagePosition {
  emailKey: string;
  /** Set for age queries only. */
  age?: number;
}

/*
 * A page token is base64url of: a version byte, the age (one byte, age queries
 * only), the email key in UTF-8, and 8 bytes of SHA-256 over the query and all
 * that. The checksum binds the token to its query (kind and parameters) and
 * catches any garbled or truncated token.
 *
 * It is a checksum, not a signature, on purpose. A token only says where to
 * resume a query the client may run anyway, so a hand-made token can show
 * nothing that paging from the start would not: there is no secret to protect.
 * A keyed MAC would need one key shared by every replica, kept and rotated
 * as configuration, to stop nothing. What does matter is that a forged token
 * can never do harm: it is refused unless it is well-formed, checksummed,
 * for this query, with an age inside the query's range and a key no longer
 * than any real key and free of control characters, which no key holds (and
 * PostgreSQL text cannot hold U+0000); and whatever its size, rejecting it costs a bounded
 * amount of work (its length is checked before anything is decoded).
 */
const VERSION = 1;
const CHECKSUM_BYTES = 8;
/**
 * The longest email key: an email is at most 254 code points, case folding
 * expands one into at most 3, and a code point is at most 4 bytes of UTF-8.
 */
const MAX_KEY_BYTES = LIMITS.emailLength * 3 * 4;
/** No real token is longer (base64url of the largest payload). */
export const MAX_PAGE_TOKEN_LENGTH = Math.ceil(((2 + MAX_KEY_BYTES + CHECKSUM_BYTES) * 4) / 3);

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function encodePageToken(query: PagedQuery, position: PagePosition): string {
  const head = query.kind === 'age' ? [VERSION, position.age!] : [VERSION];
  const payload = Buffer.concat([Buffer.from(head), Buffer.from(position.emailKey, 'utf8')]);
  return Buffer.concat([payload, checksum(query, payload)]).toString('base64url');
}

/** The position a token resumes from, or undefined when it is not a valid token of this query. */
export function decodePageToken(query: PagedQuery, token: string): PagePosition | undefined {
  if (token.length > MAX_PAGE_TOKEN_LENGTH || !BASE64URL.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  // One text per token: no padding, no stray bits in the last character.
  if (bytes.toString('base64url') !== token) return undefined;
  const headLength = query.kind === 'age' ? 2 : 1;
  if (bytes.length < headLength + 1 + CHECKSUM_BYTES) return undefined;
  const payload = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  if (!timingSafeEqual(bytes.subarray(payload.length), checksum(query, payload))) return undefined;
  if (payload[0] !== VERSION) return undefined;
  let emailKey: string;
  try {
    emailKey = strictUtf8.decode(payload.subarray(headLength));
  } catch {
    return undefined;
  }
  if (holdsControlCharacter(emailKey)) return undefined;
  if (query.kind !== 'age') return { emailKey };
  const age = payload[1];
  return age >= query.from && age <= query.toIncluded ? { emailKey, age } : undefined;
}

function checksum(query: PagedQuery, payload: Buffer): Buffer {
  return createHash('sha256').update(JSON.stringify(queryIdentity(query))).update(payload).digest().subarray(0, CHECKSUM_BYTES);
}

function queryIdentity(query: PagedQuery): unknown[] {
  switch (query.kind) {
    case 'list':
      return ['users-grpc page token', 'list'];
    case 'name':
      return ['users-grpc page token', 'name', query.foldedQuery];
    case 'age':
      return ['users-grpc page token', 'age', query.from, query.toIncluded];
  }
}
