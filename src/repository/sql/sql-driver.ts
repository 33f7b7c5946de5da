/** What the SQL repository and the migrations need from a database client: one per driver (pg, PGlite). */
export interface SqlSession {
  /** One statement with $1… parameters. */
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Several statements, no parameters (migration files). */
  exec(sql: string): Promise<void>;
}

export interface SqlDriver extends SqlSession {
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Whether `error` means the database cannot be reached, rather than a bad statement. */
  isUnavailable(error: unknown): boolean;
  /** Where the data lives, for logs: never contains a password. */
  readonly description: string;
  /** Releases connections; called once. */
  close(): Promise<void>;
}

/**
 * SQLSTATE classes that mean "cannot talk to the database now": connection
 * exceptions (08), insufficient resources (53), operator intervention such as
 * a shutdown (57P) and a standby that refuses writes (25006).
 */
export function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || code.startsWith('57P') || code === '25006';
}
