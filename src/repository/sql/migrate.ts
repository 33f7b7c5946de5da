import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
import { resourceShortage, type SqlDriver } from './sql-driver';

// One fixed key: every users-server migrating this database waits for the same lock.
const MIGRATION_LOCK_KEY = 4_242_006_001;

export interface MigrationOutcome {
  /** Versions applied by this call, in order (empty when the schema was current). */
  applied: number[];
  version: number;
}

/**
 * Brings the schema to the latest version this binary knows, in one
 * transaction under an advisory lock: replicas starting together apply each
 * migration once, and the others wait, then find nothing to do.
 */
export async function migrate(driver: SqlDriver): Promise<MigrationOutcome> {
  // Unbounded: waiting for another replica's migration, or building an index, may rightly take long.
  return driver.transaction(async (session) => {
    // Users' names are Unicode: in another encoding, a name (or the schema's own comments) would fail mid-way.
    const [{ encoding }] = await session.query<{ encoding: string }>("SELECT current_setting('server_encoding') AS encoding");
    if (encoding !== 'UTF8') {
      throw new Error(`the database's encoding is ${encoding}: users-server needs a UTF8 database (CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0)`);
    }
    await session.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await session
      .exec('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())')
      .catch((error: unknown) => {
        throw isPermissionDenied(error) ? new Error(explain(error, 0), { cause: error }) : error;
      });
    const [{ version: current }] = await session.query<{ version: number }>('SELECT coalesce(max(version), 0)::integer AS version FROM schema_migrations');
    // Migrated by a newer users-server: running this one could corrupt it.
    if (current > LATEST_SCHEMA_VERSION) {
      throw new Error(
        `the database schema is at version ${current}, newer than this users-server knows (${LATEST_SCHEMA_VERSION}): run a newer users-server`,
      );
    }
    const applied: number[] = [];
    for (const migration of MIGRATIONS.filter((m) => m.version > current)) {
      try {
        await session.exec(migration.sql);
      } catch (error) {
        // Lost connections and shortages keep their own handling (exit 1 as "database unavailable ..."); the rest gets context.
        if (driver.isUnavailable(error) || resourceShortage(error)) throw error;
        throw new Error(`migration ${migration.name}: ${explain(error, current)}`, { cause: error });
      }
      await session.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    return { applied, version: LATEST_SCHEMA_VERSION };
  }, { unbounded: true });
}

/** SQLSTATE 42501 insufficient_privilege. */
function isPermissionDenied(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '42501';
}

function explain(error: unknown, current: number): string {
  const message = (error as Error).message;
  if (isPermissionDenied(error)) {
    return `${message}: the role must own the database (or have CREATE on schema public) to create users-server's tables and the pg_trgm extension`;
  }
  // 42P07 duplicate_table: a first migration meeting tables of its names that it did not make.
  if (current === 0 && (error as { code?: unknown }).code === '42P07') {
    return `${message}, but users-server did not create it (schema_migrations has no version): use an empty database, or drop or rename that table`;
  }
  return message;
}
