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
  /** Whether `error` means the database cannot be reached, rather than a bad statement. */
  isUnavailable(error: unknown): boolean;
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
