import { toUserRecord } from '../../src/domain/user-record';
import type { User } from '../../src/domain/user';
import type { UserRecord, UserRepository } from '../../src/repository/user-repository';
import { aUser } from './users';

/**
 * Inserts through the repository, a bounded number at a time (a SQL pool serves
 * them in parallel): for tests about paging, not about Create on the wire.
 */
export async function insertInBatches(repository: UserRepository, records: UserRecord[], batchSize = 50): Promise<void> {
  for (let i = 0; i < records.length; i += batchSize) {
    const results = await Promise.all(records.slice(i, i + batchSize).map((record) => repository.insert(record)));
    const refused = results.findIndex((r) => !r.inserted);
    if (refused >= 0) throw new Error(`insert of ${records[i + refused].emailKey} refused: ${JSON.stringify(results[refused])}`);
  }
}

/** `count` users the size of the sample users (about 150 bytes on the wire), emails not in insertion order. */
export function sampleSizedUsers(count: number): User[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(6, '0');
    return aUser({ id: `id-${n}`, email: `${[...n].reverse().join('')}.someone@email.info`, firstName: 'Valencia', lastName: 'Dorsey', age: i % 151 });
  });
}

/**
 * `count` users as large as the wire can carry: every field at its length
 * limit in 4-byte characters (the repository takes them as given; they would
 * not all pass Create's validation, which only makes real users smaller).
 */
export function maximalUsers(count: number): User[] {
  const wide = (length: number) => '\u{1F600}'.repeat(length);
  return Array.from({ length: count }, (_, i) => ({
    id: `${String(i).padStart(8, '0')}`.padEnd(64, 'x'),
    age: 150,
    firstName: wide(100),
    lastName: wide(100),
    email: `${String(i).padStart(8, '0')}${wide(240)}@x.io`,
    phone: wide(50),
    address: wide(300),
  }));
}

export const records = (users: User[]): UserRecord[] => users.map(toUserRecord);
