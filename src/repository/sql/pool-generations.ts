import type { Pool, PoolClient } from 'pg';

/**
 * Which pooled connections may still be used once one was lost under its
 * statement. Connections seldom die alone (an administrator terminating the
 * service's sessions, a proxy or a failover recycling them), and an idle one's
 * death shows only when it is next used: so the connections opened before the
 * lost one are closed as they are next borrowed instead of being reused, and a
 * call retried after a loss runs on a connection opened after it. SQLAlchemy's
 * pool does the same on a disconnect.
 */
export class PoolGenerations {
  private current = 0;
  private readonly openedIn = new WeakMap<PoolClient, number>();

  constructor(private readonly pool: Pool) {
    pool.on('connect', (client) => {
      this.openedIn.set(client, this.current);
      // Checked out, between two statements (a kill arriving right after an answer), a connection has no listener
      // of the pool's: its 'error' would crash the process. Its next statement fails instead, or the pool drops it.
      client.on('error', () => {});
    });
  }

  /** A pooled connection opened since the last loss. */
  async borrow(): Promise<PoolClient> {
    for (;;) {
      const client = await this.pool.connect();
      if (this.openedIn.get(client) === this.current) return client;
      client.release(true);
    }
  }

  /** `client`'s connection was lost: neither it nor the connections opened before it are reused. */
  lost(client: PoolClient): void {
    // A loss on a connection already written off says nothing of the newer ones.
    if (this.openedIn.get(client) === this.current) this.current += 1;
  }
}
