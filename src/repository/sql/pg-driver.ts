import { Client, DatabaseError, Pool, type PoolClient, type PoolConfig, type QueryConfig } from 'pg';
import { DatabaseTlsError, explainTlsFailure } from './pg-connection-failure';
import { settledWithin } from '../../shared/settled-within';
import { PoolGenerations } from './pool-generations';
import { isConnectionLostSqlState, isUnavailableSqlState, type SqlDriver, type SqlSession, type TransactionOptions } from './sql-driver';

/**
 * Bounds on every wait for PostgreSQL, so that a database that hangs (stopped,
 * a dead link that sends no reset) fails calls with UNAVAILABLE well within a
 * client's usual deadline (users-cli's is 10 s): connecting (5 s) plus one
 * statement (4 s) stays under it. Legitimate statements take milliseconds.
 */
export interface PgTimeouts {
  connectMs: number;
  statementMs: number;
  queryMs: number;
  closeMs: number;
}

export const PG_TIMEOUTS: Readonly<PgTimeouts> = {
  /** TCP, TLS and authentication of a new connection, and the wait for a pooled one when all are busy. */
  connectMs: 5000,
  /** The database cancels a statement running longer (SQLSTATE 57014): its work stops too. */
  statementMs: 3000,
  /** The client gives up on a database that does not answer at all; the connection is then destroyed. */
  queryMs: 4000,
  /** Closing the pool at shutdown: a connection to a hung database is not waited for. */
  closeMs: 2000,
};

/** PostgreSQL through a node-postgres pool. */
export class PgDriver implements SqlDriver {
  private readonly pool: Pool;
  private readonly connections: PoolGenerations;

  constructor(
    private readonly clientConfig: PoolConfig,
    poolSize: number,
    readonly description: string,
    private readonly timeouts: Readonly<PgTimeouts> = PG_TIMEOUTS,
  ) {
    this.pool = new Pool({
      ...clientConfig,
      max: poolSize,
      // Fail fast when the server is unreachable rather than wait for TCP.
      connectionTimeoutMillis: timeouts.connectMs,
      statement_timeout: timeouts.statementMs,
      keepAlive: true,
      // A fallback, as libpq's: application_name (or PGAPPNAME) wins.
      fallback_application_name: clientConfig.fallback_application_name ?? 'users-server',
    });
    // An idle connection that dies (server restart) is dropped from the pool; the next call
    // reports the outage. Without a listener, the 'error' event would crash the process.
    this.pool.on('error', () => {});
    this.connections = new PoolGenerations(this.pool);
  }

  async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
    return (await this.connected(this.onConnection((client) => client.query(this.bounded(sql, params))))).rows as Row[];
  }

  async exec(sql: string): Promise<void> {
    await this.connected(this.onConnection((client) => client.query(this.bounded(sql))));
  }

  async transaction<T>(work: (session: SqlSession) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const client = await this.connected(this.connections.borrow());
    let broken: Error | undefined;
    const statement = (sql: string, params?: unknown[]) => client.query(options.unbounded ? { text: sql, values: params } : this.bounded(sql, params));
    try {
      await statement('BEGIN');
      // Migrations: an index build may rightly take minutes.
      if (options.unbounded) await statement('SET LOCAL statement_timeout = 0');
      const result = await work({
        query: async <Row>(sql: string, params?: unknown[]) => (await statement(sql, params)).rows as Row[],
        exec: async (sql: string) => void (await statement(sql)),
      });
      await statement('COMMIT');
      return result;
    } catch (error) {
      // A connection that timed out or broke is not asked to roll back (it would wait again):
      // it is destroyed, and PostgreSQL rolls back a transaction whose connection is gone.
      if (this.isConnectionLost(error)) this.connections.lost(client);
      if (this.isUnavailable(error)) broken = error as Error;
      else await statement('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      // A connection that could not even roll back is destroyed, not reused.
      client.release(broken);
    }
  }

  isUnavailable(error: unknown): boolean {
    if (error instanceof DatabaseTlsError) return true;
    if (error instanceof DatabaseError) return error.code !== undefined && (isUnavailableSqlState(error.code) || error.code.startsWith('28'));
    if (!(error instanceof Error)) return false;
    const { code, syscall } = error as NodeJS.ErrnoException;
    // Any failed connect(): a socket path too (ENOENT: no server has created it; EACCES).
    if (code !== undefined) return NETWORK_ERROR_CODES.has(code) || syscall === 'connect';
    return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Client was closed/i.test(error.message);
  }

  async queryOnNewConnection(sql: string): Promise<void> {
    // The pool's settings (timeouts, TLS, application_name), on a connection outside it, closed after.
    const client = new Client(this.pool.options);
    client.on('error', () => {});
    try {
      await this.connected(client.connect());
      await client.query(this.bounded(sql));
    } finally {
      // Not waited for: a hung server would hold the check.
      client.end().catch(() => {});
    }
  }

  isConnectionLost(error: unknown): boolean {
    if (error instanceof DatabaseError) return error.code !== undefined && isConnectionLostSqlState(error.code);
    if (!(error instanceof Error)) return false;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined) return LOST_CONNECTION_CODES.has(code);
    // Not 'Connection terminated due to connection timeout': a server that does not answer is down.
    return /^Connection terminated( unexpectedly)?$|encountered a connection error and is not queryable/.test(error.message);
  }

  async close(): Promise<void> {
    // Bounded: the pool waits for connections still in use, which a hung database never hands back.
    await settledWithin(this.pool.end(), this.timeouts.closeMs);
  }

  /** A connection that TLS refused is explained (host, setting to fix); other errors go as they are. */
  private async connected<T>(connecting: Promise<T>): Promise<T> {
    try {
      return await connecting;
    } catch (error) {
      throw explainTlsFailure(error, this.clientConfig) ?? error;
    }
  }

  /** One statement's connection: as pool.query does, one whose statement failed (timed out, broke) is destroyed. */
  private async onConnection<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connections.borrow();
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      if (this.isConnectionLost(error)) this.connections.lost(client);
      client.release(error as Error);
      throw error;
    }
  }

  /** A statement under the client-side timeout (QueryConfig's types lack query_timeout, which pg reads). */
  private bounded(sql: string, params?: unknown[]): QueryConfig {
    return { text: sql, values: params, query_timeout: this.timeouts.queryMs } as QueryConfig;
  }
}

const LOST_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
