import { DatabaseError, Pool, type PoolClient, type PoolConfig } from 'pg';
import { isUnavailableSqlState, type SqlDriver, type SqlSession } from './sql-driver';

/** PostgreSQL through a node-postgres pool. */
export class PgDriver implements SqlDriver {
  private readonly pool: Pool;

  constructor(
    clientConfig: PoolConfig,
    poolSize: number,
    readonly description: string,
  ) {
    this.pool = new Pool({
      ...clientConfig,
      max: poolSize,
      // Fail fast when the server is unreachable rather than wait for TCP.
      connectionTimeoutMillis: 5000,
      keepAlive: true,
      application_name: clientConfig.application_name ?? 'users-server',
    });
    // An idle connection that dies (server restart) is dropped from the pool; the next call
    // reports the outage. Without a listener, the 'error' event would crash the process.
    this.pool.on('error', () => {});
  }

  async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
    return (await this.pool.query(sql, params)).rows as Row[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(clientSession(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      // A connection that could not even roll back is destroyed, not reused.
      client.release(broken);
    }
  }

  isUnavailable(error: unknown): boolean {
    if (error instanceof DatabaseError) return error.code !== undefined && (isUnavailableSqlState(error.code) || error.code.startsWith('28'));
    if (!(error instanceof Error)) return false;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined) return NETWORK_ERROR_CODES.has(code);
    return /Connection terminated|timeout exceeded when trying to connect|not queryable|Client was closed/i.test(error.message);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

function clientSession(client: PoolClient): SqlSession {
  return {
    query: async <Row>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as Row[],
    exec: async (sql: string) => void (await client.query(sql)),
  };
}
