import type { AgeOrderKey } from '../domain/key-order';
import type { User } from '../domain/user';

/** A user with the keys the domain computed for it. Repositories store and index the keys; they never compute them. */
export interface UserRecord {
  user: User;
  /** Uniqueness, look-up and ordering key of the email (the domain's emailKey). */
  emailKey: string;
  /** First and last name folded for search (the domain's foldForSearch). */
  foldedFirstName: string;
  foldedLastName: string;
}

/** Why an insert was refused; the repository, not the caller, is the judge of uniqueness. */
export type InsertResult =
  | { inserted: true }
  | { inserted: false; reason: 'email-taken' | 'id-taken' }
  /** Only a bounded store refuses this way (the in-memory store's --max-users). */
  | { inserted: false; reason: 'full'; capacity: number };

/** Keyset position in the age order: strictly after (age, emailKey). */
export type AgePosition = AgeOrderKey;

/**
 * Where users live (in memory, PostgreSQL, PGlite). Every order is the
 * domain's compareKeys on emailKey (Unicode code point order; SQL: COLLATE "C"),
 * and every `after` is exclusive: that is what keyset paging rests on.
 */
export interface UserRepository {
  /** Atomic: of concurrent inserts of one emailKey (or one id), exactly one succeeds. Committed before it resolves. */
  insert(record: UserRecord): Promise<InsertResult>;
  /**
   * In one transaction: each record is inserted or refused as insert would (the records before it count as stored),
   * and the inserted ones are committed together when it resolves, none of them when it rejects or the process dies.
   */
  insertAll(records: UserRecord[]): Promise<InsertResult[]>;
  findByEmailKey(emailKey: string): Promise<User | undefined>;
  /** Up to `limit` records ordered by emailKey, strictly after `afterEmailKey` when given. */
  list(afterEmailKey: string | undefined, limit: number): Promise<UserRecord[]>;
  /**
   * Records whose foldedFirstName or foldedLastName contains `foldedQuery` LITERALLY (% and _ are not wildcards),
   * ordered by emailKey, strictly after `afterEmailKey`, up to `limit`.
   */
  searchName(foldedQuery: string, afterEmailKey: string | undefined, limit: number): Promise<UserRecord[]>;
  /** Records with from <= age <= toIncluded, ordered by (age, emailKey), strictly after `after`, up to `limit`. */
  searchAge(from: number, toIncluded: number, after: AgePosition | undefined, limit: number): Promise<UserRecord[]>;
  count(): Promise<number>;
  /** Releases connections. Called exactly once, at shutdown, after in-flight calls end. */
  close(): Promise<void>;
}
