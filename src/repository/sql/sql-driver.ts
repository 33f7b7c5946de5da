/** What the SQL repository and the migrations need from a database client: one per driver (pg, PGlite). */
export interface SqlSession {
  /** One statement with $1… parameters. */
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Several statements, no parameters (migration files). */
  exec(sql: string): Promise<void>;
}

export interface TransactionOptions {
  /** No statement timeout (migrations: an index build may take minutes). */
  unbounded?: boolean;
}

export interface SqlDriver extends SqlSession {
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (session: SqlSession) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** One statement on a connection opened for it (not a pooled one, which may be dead too), closed after. */
  queryOnNewConnection(sql: string): Promise<void>;
  /** Whether `error` means the database cannot be reached, rather than a bad statement. */
  isUnavailable(error: unknown): boolean;
  /**
   * Of those, whether only this statement's connection broke (an administrator's
   * pg_terminate_backend, a proxy or a failover resetting it): another connection
   * may work. The driver no longer reuses the connections opened before it.
   */
  isConnectionLost(error: unknown): boolean;
  /** Where the data lives, for logs: never contains a password. */
  readonly description: string;
  /** Releases connections; called once. */
  close(): Promise<void>;
}

/**
 * SQLSTATE classes that mean "cannot talk to the database now": connection
 * exceptions (08), operator intervention such as a shutdown (57P) and a
 * standby that refuses writes (25006).
 */
export function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('57P') || code === '25006';
}

/**
 * SQLSTATEs of a connection ended under its statement while the server may
 * still run: an administrator's command (57P01, also sent to every session at
 * a fast shutdown), a crashed sibling backend (57P02), a broken link (08006,
 * 08003). A new connection tells whether the server is down.
 */
export function isConnectionLostSqlState(code: string): boolean {
  return code === '57P01' || code === '57P02' || code === '08006' || code === '08003';
}

/**
 * The users table is missing (renamed, dropped by a `pg_restore --clean`: SQLSTATE 42P01 undefined_table), or its
 * unique email index is (a restore that has not built it yet: 42P10, no index for ON CONFLICT (email_key)).
 */
export function isSchemaMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === '42P01' || code === '42P10';
}

/**
 * A database that answers but lacks a resource for this statement:
 * insufficient resources (class 53: connections, memory; 53100 disk full) or a
 * statement cancelled by statement_timeout (57014). It is not down: other
 * calls (reads on a full disk) still work, so health does not change.
 */
export function resourceShortage(error: unknown): 'storage-full' | 'overloaded' | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === '53100') return 'storage-full';
  return code.startsWith('53') || code === '57014' ? 'overloaded' : undefined;
}
