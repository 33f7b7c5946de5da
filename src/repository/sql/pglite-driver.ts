import { PGlite, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { lockDirectory, type DirectoryLock, type DirectoryLockEvents } from './directory-lock';
import { holdsNoCluster, openFailure, refuseForeignDirectory, removeUnfinishedCluster } from './pglite-data-directory';
import { SYNCED_START_PARAMS, SyncedNodeFS } from './synced-node-fs';
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

  static async open(dataDir: string | undefined, lockEvents?: DirectoryLockEvents): Promise<PgliteDriver> {
    if (dataDir === undefined) return new PgliteDriver(await createPglite(undefined), 'pglite:memory');
    const lock = await lockDirectory(dataDir, lockEvents);
    // PostgreSQL's last lines, for the error if opening fails (bounded: it writes there all its life).
    const stderr: string[] = [];
    const keep = (line: string) => void (stderr.push(line) > 20 && stderr.shift());
    try {
      refuseForeignDirectory(dataDir);
      const creating = holdsNoCluster(dataDir);
      const db = await createPglite(dataDir, keep).catch((error: unknown) => {
        // Everything in it is this start's own, half made: gone, the next start creates it again.
        if (creating) removeUnfinishedCluster(dataDir);
        throw openFailure(dataDir, error, stderr);
      });
      return new PgliteDriver(db, `pglite:${dataDir}`, lock);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
    await this.lock?.held();
    return (await this.db.query<Row>(sql, params)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.lock?.held();
    await this.db.exec(sql);
  }

  async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    await this.lock?.held();
    return this.db.transaction((tx) => work(transactionSession(tx, this.lock)));
  }

  isUnavailable(error: unknown): boolean {
    // In-process, there is no connection to lose: only a server shutting down or an administrator's
    // command (SQLSTATE 57P, 08; 25006 read-only) makes it unavailable; a full disk is a shortage (resourceShortage).
    const code = (error as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' && isUnavailableSqlState(code);
  }

  async queryOnNewConnection(sql: string): Promise<void> {
    // One connection, in-process: the query is the check.
    await this.query(sql);
  }

  isConnectionLost(): boolean {
    // In-process: no connection of its own to lose.
    return false;
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      await this.lock?.release();
    }
  }
}

function createPglite(dataDir: string | undefined, onStderr?: (line: string) => void): Promise<PGlite> {
  return PGlite.create({
    // A directory: its commits fsynced to disk (synced-node-fs.ts), not left in the page cache.
    ...(dataDir === undefined ? {} : { fs: new SyncedNodeFS(dataDir), startParams: SYNCED_START_PARAMS }),
    extensions: { pg_trgm },
    // Each statement's changes reach the files before it resolves: an acknowledged Create survives a crash.
    relaxedDurability: false,
    // PostgreSQL's own lines (a PANIC naming a damaged file) are kept for the error, not printed.
    ...(onStderr && { onStderr: (line: string) => (onStderr(line), true) }),
  });
}

function transactionSession(tx: Transaction, lock: DirectoryLock | undefined): SqlSession {
  return {
    query: async <Row>(sql: string, params?: unknown[]) => {
      await lock?.held();
      return (await tx.query<Row>(sql, params)).rows;
    },
    exec: async (sql: string) => {
      await lock?.held();
      await tx.exec(sql);
    },
  };
}
