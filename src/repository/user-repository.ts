import type { User } from '../domain/user';

/** Why an insert was refused; the repository, not the caller, is the judge of uniqueness. */
export type InsertResult =
  | { inserted: true }
  | { inserted: false; reason: 'email-taken' | 'id-taken' }
  // Only a bounded store (memory, --max-users) answers this.
  | { inserted: false; reason: 'full'; capacity: number };

/**
 * Where users live. Implementations (in-memory, PostgreSQL) must make insert
 * atomic: of concurrent inserts of one email, exactly one succeeds.
 * Ordering is the service's job; repositories may return users in any order.
 */
export interface UserRepository {
  insert(user: User): Promise<InsertResult>;
  /** Case-insensitive look-up (see emailKey). */
  findByEmail(email: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  /** Users whose folded first or last name contains `foldedQuery` (see foldForSearch). */
  searchName(foldedQuery: string): Promise<User[]>;
  /** Users with from <= age <= toIncluded. */
  searchAge(from: number, toIncluded: number): Promise<User[]>;
  count(): Promise<number>;
  /** Releases connections; the in-memory store has none. */
  close(): Promise<void>;
}
