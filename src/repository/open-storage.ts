import { MemoryUserRepository } from './memory-user-repository';
import { describeStorage, type SqlStorage, type Storage } from './database-url';
import type { DatabaseAvailability } from './sql/database-availability';
import type { DirectoryLockEvents } from './sql/directory-lock';
import { migrate, type MigrationOutcome } from './sql/migrate';
import { resourceShortage, type SqlDriver } from './sql/sql-driver';
import { SqlUserRepository } from './sql/sql-user-repository';
import { tracedSqlDriver } from './sql/traced-sql-driver';
import type { Tracing } from '../shared/tracing';
import type { UserRepository } from './user-repository';

export interface OpenedStorage {
  repository: UserRepository;
  /** SQL stores only: tells when the database stops and starts answering. */
  availability?: DatabaseAvailability;
  migration?: MigrationOutcome;
}

interface StorageOptions {
  /** PostgreSQL connections (--database-pool-size). */
  poolSize: number;
  /** The in-memory store's bound (--max-users); SQL stores are bounded by their disk. */
  maxUsers?: number;
  env: NodeJS.ProcessEnv;
  /** When tracing is on: each SQL statement becomes a span. */
  tracing?: Pick<Tracing, 'inSpan'>;
  /** pglite: a directory found locked (waiting), and its lock lost (the caller must stop using the store). */
  lockEvents?: DirectoryLockEvents;
}

/** Opens the store and, for SQL, brings its schema up to date (see sql/migrate.ts). */
export async function openStorage(storage: Storage, options: StorageOptions): Promise<OpenedStorage> {
  if (storage.kind === 'memory') return { repository: new MemoryUserRepository(options.maxUsers) };
  const { driver, migration } = await openMigrated(storage, options);
  const repository = new SqlUserRepository(driver);
  return { repository, availability: repository.availability, migration };
}

/** `users-server migrate`: applies the migrations and closes. */
export async function migrateStorage(storage: SqlStorage, options: StorageOptions): Promise<MigrationOutcome> {
  const { driver, migration } = await openMigrated(storage, options);
  await driver.close();
  return migration;
}

async function openMigrated(storage: SqlStorage, options: StorageOptions): Promise<{ driver: SqlDriver; migration: MigrationOutcome }> {
  const driver = await openDriver(storage, options);
  try {
    return { driver, migration: await migrate(driver) };
  } catch (error) {
    await driver.close().catch(() => {});
    if (driver.isUnavailable(error)) throw new Error(`database unavailable (${driver.description}): ${(error as Error).message}`);
    if (resourceShortage(error)) throw new Error(`database short of resources (${driver.description}): ${(error as Error).message}`);
    throw error;
  }
}

// Drivers load on demand: the in-memory store never loads pg or PGlite's WASM.
async function openDriver(storage: SqlStorage, options: StorageOptions): Promise<SqlDriver> {
  const driver = await openUntracedDriver(storage, options);
  return options.tracing ? tracedSqlDriver(driver, options.tracing) : driver;
}

async function openUntracedDriver(storage: SqlStorage, options: StorageOptions): Promise<SqlDriver> {
  if (storage.kind === 'pglite') {
    const { PgliteDriver } = await import('./sql/pglite-driver');
    return PgliteDriver.open(storage.dataDir, options.lockEvents);
  }
  const [{ PgDriver }, { postgresClientConfig }] = await Promise.all([import('./sql/pg-driver'), import('./sql/postgres-client-config')]);
  return new PgDriver(postgresClientConfig(storage.url, options.env), options.poolSize, describeStorage(storage, options.env));
}
