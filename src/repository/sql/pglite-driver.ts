import { PGlite, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { lockDirectory, type DirectoryLock } from './directory-lock';
import { isUnavailableSqlState, type SqlDriver, type SqlSession } from './sql-driver';

/**
 * Embedded PostgreSQL (WASM) in this process: in a directory, or in memory
 * when `dataDir` is undefined. One connection; PGlite runs one query at a time.
 */
export class PgliteDriver implements SqlDriver {
  private constructor(
    private readonly db: PGlite,
    readonly description: string,
    private readonly lock?: DirectoryLock,
  ) {}

  static async open(dataDir: string | undefined): Promise<PgliteDriver> {
    const lock = dataDir === undefined ? undefined : lockDirectory(dataDir);
    try {
      const db = await PGlite.create({
        dataDir,
        extensions: { pg_trgm },
        // Each statement's changes reach the files before it resolves: an acknowledged Create survives a crash.
        relaxedDurability: false,
      });
      return new PgliteDriver(db, dataDir === undefined ? 'pglite:memory' : `pglite:${dataDir}`, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
    return (await this.db.query<Row>(sql, params)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(transactionSession(tx)));
  }

  isUnavailable(error: unknown): boolean {
    // In-process: only running out of resources (disk full) makes it unavailable.
    const code = (error as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' && isUnavailableSqlState(code);
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}

function transactionSession(tx: Transaction): SqlSession {
  return {
    query: async <Row>(sql: string, params?: unknown[]) => (await tx.query<Row>(sql, params)).rows,
    exec: async (sql: string) => void (await tx.exec(sql)),
  };
}
