import { isDeepStrictEqual } from 'node:util';
import type { User } from '../../domain/user';
import type { AgePosition, InsertResult, UserRecord, UserRepository } from '../user-repository';
import { DatabaseAvailability } from './database-availability';
import type { SqlDriver, SqlSession } from './sql-driver';

interface UserRow {
  id: string;
  email_key: string;
  email: string;
  first_name: string;
  last_name: string;
  folded_first_name: string;
  folded_last_name: string;
  age: number;
  phone: string;
  address: string;
}

const COLUMNS = 'id, email_key, email, first_name, last_name, folded_first_name, folded_last_name, age, phone, address';

/**
 * Users in PostgreSQL or PGlite: one schema (sql/migrations), one set of
 * queries, whatever the driver. Keys come from the domain; ordering uses the
 * "C" collation of email_key, which is the domain's code point order.
 */
export class SqlUserRepository implements UserRepository {
  readonly availability: DatabaseAvailability;

  constructor(private readonly driver: SqlDriver) {
    this.availability = new DatabaseAvailability({
      // The users table and its unique email index: a database that answers without them (a restore under way:
      // pg_restore creates the table, copies the rows, and only then the indexes) cannot serve. Inserts nothing.
      check: () => driver.queryOnNewConnection('INSERT INTO users SELECT * FROM users WHERE false ON CONFLICT (email_key) DO NOTHING'),
      isUnavailable: (error) => driver.isUnavailable(error),
      isConnectionLost: (error) => driver.isConnectionLost(error),
    });
  }

  async insert(record: UserRecord): Promise<InsertResult> {
    // Autocommit: the row is committed (and flushed, synchronous_commit) when this resolves.
    // Retried once after a lost connection, whose attempt may have committed: insertInto recognises its row.
    let attempts = 0;
    return this.availability.run(() => insertInto(this.driver, record, attempts++ > 0), { retry: true });
  }

  async insertAll(records: UserRecord[]): Promise<InsertResult[]> {
    // A start-up step (samples), unbounded like the migrations: it may wait for another replica's rows.
    return this.availability.run(() =>
      this.driver.transaction(
        async (session) => {
          const results: InsertResult[] = [];
          for (const record of records) results.push(await insertInto(session, record));
          return results;
        },
        { unbounded: true },
      ),
      // A start-up step: not retried, its transaction fails as a whole.
      { retry: false },
    );
  }

  async findByEmailKey(emailKey: string): Promise<User | undefined> {
    const rows = await this.select('WHERE email_key = $1', [emailKey]);
    return rows[0]?.user;
  }

  async list(afterEmailKey: string | undefined, limit: number): Promise<UserRecord[]> {
    return afterEmailKey === undefined
      ? this.select('ORDER BY email_key LIMIT $1', [limit])
      : this.select('WHERE email_key > $1 ORDER BY email_key LIMIT $2', [afterEmailKey, limit]);
  }

  async searchName(foldedQuery: string, afterEmailKey: string | undefined, limit: number): Promise<UserRecord[]> {
    const pattern = `%${escapeLike(foldedQuery)}%`;
    const matches = `(folded_first_name LIKE $1 ESCAPE '\\' OR folded_last_name LIKE $1 ESCAPE '\\')`;
    return afterEmailKey === undefined
      ? this.select(`WHERE ${matches} ORDER BY email_key LIMIT $2`, [pattern, limit])
      : this.select(`WHERE ${matches} AND email_key > $2 ORDER BY email_key LIMIT $3`, [pattern, afterEmailKey, limit]);
  }

  async searchAge(from: number, toIncluded: number, after: AgePosition | undefined, limit: number): Promise<UserRecord[]> {
    const inRange = 'age BETWEEN $1 AND $2';
    return after === undefined
      ? this.select(`WHERE ${inRange} ORDER BY age, email_key LIMIT $3`, [from, toIncluded, limit])
      : this.select(`WHERE ${inRange} AND (age, email_key) > ($3, $4) ORDER BY age, email_key LIMIT $5`, [from, toIncluded, after.age, after.emailKey, limit]);
  }

  async count(): Promise<number> {
    const [row] = await this.availability.run(() => this.driver.query<{ count: number }>('SELECT count(*)::integer AS count FROM users'), { retry: true });
    return row.count;
  }

  async close(): Promise<void> {
    this.availability.stop();
    await this.driver.close();
  }

  private async select(where: string, params: unknown[]): Promise<UserRecord[]> {
    const rows = await this.availability.run(() => this.driver.query<UserRow>(`SELECT ${COLUMNS} FROM users ${where}`, params), { retry: true });
    return rows.map(toRecord);
  }
}

/** `retried`: an earlier attempt of this insert lost its connection, maybe after committing. */
async function insertInto(session: SqlSession, record: UserRecord, retried = false): Promise<InsertResult> {
  const { user } = record;
  // The email's unique index named as the arbiter: without it (a restore under way) the insert fails (42P10, the
  // schema is missing) instead of storing a second row of one email. The id is checked by the insert itself
  // (NOT EXISTS), so that a taken id is a refusal rather than an error: only a race with another insert of the
  // same id reaches the primary key (inside insertAll's transaction, that fails the whole set).
  let inserted: unknown[];
  try {
    inserted = await session.query(
      `INSERT INTO users (${COLUMNS})
       SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::integer, $9::text, $10::text
       WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = $1::text)
       ON CONFLICT (email_key) DO NOTHING RETURNING id`,
      [user.id, record.emailKey, user.email, user.firstName, user.lastName, record.foldedFirstName, record.foldedLastName, user.age, user.phone, user.address],
    );
  } catch (error) {
    // Another insert of this id committed between the check and the insert: the primary key refused it.
    if (!isIdTaken(error)) throw error;
    inserted = [];
  }
  if (inserted.length === 1) return { inserted: true };
  // Rows are never deleted, so the row that won the conflict is still there to tell which key it was.
  const [holder] = await session.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE email_key = $1`, [record.emailKey]);
  // The lost attempt's own row (same id, email and fields): this insert did happen, once.
  if (retried && holder !== undefined && isDeepStrictEqual(toRecord(holder), record)) return { inserted: true };
  return { inserted: false, reason: holder !== undefined ? 'email-taken' : 'id-taken' };
}

function isIdTaken(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'users_pkey';
}

/** LIKE treats % and _ as wildcards and \ as the escape: a name query matches them literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toRecord(row: UserRow): UserRecord {
  return {
    user: {
      id: row.id,
      age: row.age,
      firstName: row.first_name,
      lastName: row.last_name,
      email: row.email,
      phone: row.phone,
      address: row.address,
    },
    emailKey: row.email_key,
    foldedFirstName: row.folded_first_name,
    foldedLastName: row.folded_last_name,
  };
}
