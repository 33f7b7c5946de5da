import { Client } from 'pg';
import { Status_StatusCode } from '../../gen/user/user';
import { toUserRecord } from '../../src/domain/user-record';
import { migrate } from '../../src/repository/sql/migrate';
import { PG_TIMEOUTS, PgDriver } from '../../src/repository/sql/pg-driver';
import { postgresClientConfig } from '../../src/repository/sql/postgres-client-config';
import type { SqlDriver } from '../../src/repository/sql/sql-driver';
import { SqlUserRepository } from '../../src/repository/sql/sql-user-repository';
import { ServingStatus, watchHealth } from '../support/health-client';
import { requireServerBundle } from '../support/prerequisites';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startStorageServer, type StorageServer } from '../support/storage-server';
import { aUser } from '../support/users';

// A session killed by an administrator (pg_terminate_backend: 57P01), a proxy or
// a failover recycling connections, while PostgreSQL itself answers: only that
// call may notice (a read is retried once on a new connection, so is an insert,
// which recognises its own row), health stays SERVING, and nothing logs
// 'database unavailable'. A real outage is test/storage/outage.test.ts.
jest.setTimeout(180_000);

let database: TestDatabase;
// `admin` holds locks; `observer` reads pg_stat_activity and terminates sessions (outside a
// transaction: within one, pg_stat_activity is the snapshot taken at its first read).
let admin: Client;
let observer: Client;
let ownPids: number[];
beforeAll(async () => {
  requireServerBundle();
  database = await createTestDatabase();
  admin = new Client({ connectionString: database.url });
  await admin.connect();
  observer = new Client({ connectionString: database.url });
  await observer.connect();
  const pid = async (client: Client) => (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  ownPids = [await pid(admin), await pid(observer)];
});
afterAll(async () => {
  await admin?.end();
  await observer?.end();
  await database?.drop();
});

/** Backends of `application` in this database, as pg_stat_activity lists them. */
async function backends(application: string, condition = 'true'): Promise<number[]> {
  const { rows } = await observer.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND ${condition} ORDER BY pid`,
    [application],
  );
  return rows.map((row) => row.pid);
}

/** What the operator ran: every session of `application` terminated at once, busy or idle. */
async function terminateAll(application: string): Promise<number> {
  const { rows } = await observer.query<{ n: number }>(
    'SELECT count(pg_terminate_backend(pid))::integer AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
    [application],
  );
  return rows[0].n;
}

/** Every session in this database but the test's own, starting ones included. */
async function otherSessions(): Promise<number[]> {
  const { rows } = await observer.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> ALL($1)",
    [ownPids],
  );
  return rows.map((row) => row.pid);
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the repository on PostgreSQL', () => {
  const APPLICATION = `lost-connections-${process.pid}`;
  let driver: PgDriver;
  let repository: SqlUserRepository;
  let changes: boolean[];
  let losses: Array<[string, number]>;
  beforeAll(async () => {
    // No timeout to race: statements and new connections wait on the test's lock for as long as it holds it.
    const timeouts = { ...PG_TIMEOUTS, connectMs: 0, statementMs: 0, queryMs: 0 };
    driver = new PgDriver({ ...postgresClientConfig(database.url, {}), application_name: APPLICATION }, 5, 'test', timeouts);
    await migrate(driver);
  });
  beforeEach(async () => {
    await driver.exec('TRUNCATE users');
    repository = new SqlUserRepository(Object.assign(Object.create(driver) as SqlDriver, { close: async () => {} }));
    changes = [];
    losses = [];
    repository.availability.onChange((available) => changes.push(available));
    repository.availability.onConnectionLoss((cause, lost) => losses.push([(cause as Error).message, lost]));
  });
  afterEach(() => repository.close());
  afterAll(() => driver?.close());

  /** Five connections in the pool, idle: each transaction holds one until all five are open. */
  async function openFiveConnections(): Promise<void> {
    let open = 0;
    let allOpen!: () => void;
    const five = new Promise<void>((resolve) => (allOpen = resolve));
    await Promise.all([1, 2, 3, 4, 5].map(() => driver.transaction(async () => {
      open += 1;
      if (open === 5) allOpen();
      await five;
    })));
    expect(await backends(APPLICATION)).toHaveLength(5);
  }

  test('five busy sessions killed mid-statement: every call answers (reads and an insert retried on new connections), no change, one loss report', async () => {
    const alice = toUserRecord(aUser({ id: 'a', email: 'alice@x.io' }));
    const bob = toUserRecord(aUser({ id: 'b', email: 'bob@x.io', firstName: 'Bob', age: 50 }));
    expect(await repository.insert(alice)).toEqual({ inserted: true });
    await openFiveConnections();

    // The users table locked: the five calls' statements wait in their (pooled) sessions, which are then terminated.
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    const calls = Promise.all([
      repository.insert(bob),
      // Answers that do not depend on whether bob's insert went first.
      repository.list(undefined, 1),
      repository.findByEmailKey('alice@x.io'),
      repository.searchName('alice', undefined, 10),
      repository.searchAge(30, 30, undefined, 10),
    ]);
    await until(async () => (await backends(APPLICATION, "wait_event_type = 'Lock'")).length === 5);
    const killed = await backends(APPLICATION);
    expect(await terminateAll(APPLICATION)).toBe(killed.length);
    // The retries open new sessions, which wait on the lock too (a new session's start reads the table's definition).
    await until(async () => (await otherSessions()).filter((pid) => !killed.includes(pid)).length === 5);
    await admin.query('ROLLBACK');

    expect(await calls).toEqual([{ inserted: true }, [alice], alice.user, [alice], [alice]]);
    expect(await repository.list(undefined, 10)).toEqual([alice, bob]);
    expect(changes).toEqual([]);
    expect(repository.availability.isAvailable).toBe(true);
    expect(losses).toEqual([['terminating connection due to administrator command', 1]]);
  });

  test('one busy session killed: the connections opened before it are closed, not reused (their siblings may be dead too)', async () => {
    await openFiveConnections();
    const before = await backends(APPLICATION);
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    const counted = repository.count();
    await until(async () => (await backends(APPLICATION, "wait_event_type = 'Lock'")).length === 1);
    const [busy] = await backends(APPLICATION, "wait_event_type = 'Lock'");
    await observer.query('SELECT pg_terminate_backend($1)', [busy]);
    // The retry waits on the lock: on a session of its own, although four healthy ones sit idle in the pool.
    const retryWaits = async () =>
      (await otherSessions()).some((pid) => !before.includes(pid)) || (await backends(APPLICATION, "wait_event_type = 'Lock'")).some((pid) => pid !== busy);
    await until(retryWaits);
    await admin.query('ROLLBACK');
    expect(await counted).toBe(0);
    expect(await Promise.all([1, 2, 3, 4, 5].map(() => repository.count()))).toEqual([0, 0, 0, 0, 0]);
    expect((await backends(APPLICATION)).filter((pid) => before.includes(pid))).toEqual([]);
    expect(changes).toEqual([]);
    expect(losses).toEqual([['terminating connection due to administrator command', 1]]);
  });

  test('an insert whose connection is lost after it committed: the retry recognises its row (inserted once); another user\'s row is still "email-taken"', async () => {
    // The answer to the first INSERT is lost after PostgreSQL committed it (a reset between the two).
    let loseNextInsertAnswer = true;
    const losing = Object.assign(Object.create(driver) as SqlDriver, {
      close: async () => {},
      query: async <Row>(sql: string, params?: unknown[]): Promise<Row[]> => {
        const rows = await driver.query<Row>(sql, params);
        if (sql.startsWith('INSERT') && loseNextInsertAnswer) {
          loseNextInsertAnswer = false;
          throw new Error('Connection terminated unexpectedly');
        }
        return rows;
      },
    });
    const losingRepository = new SqlUserRepository(losing);
    try {
      const alice = toUserRecord(aUser({ id: 'a', email: 'alice@x.io' }));
      expect(await losingRepository.insert(alice)).toEqual({ inserted: true });
      expect(await repository.list(undefined, 10)).toEqual([alice]);

      loseNextInsertAnswer = true;
      const bob = toUserRecord(aUser({ id: 'i', email: 'bob@x.io', firstName: 'Bob' }));
      expect(await losingRepository.insert(bob)).toEqual({ inserted: true });
      loseNextInsertAnswer = true;
      // Same email, another user: the row found is not this insert's own.
      const other = toUserRecord(aUser({ id: 'o', email: 'bob@x.io', firstName: 'Other' }));
      expect(await losingRepository.insert(other)).toEqual({ inserted: false, reason: 'email-taken' });
      // Same id, another email: not its own either.
      loseNextInsertAnswer = true;
      expect(await losingRepository.insert(toUserRecord(aUser({ id: 'a', email: 'carol@x.io' })))).toEqual({ inserted: false, reason: 'id-taken' });
      expect((await repository.list(undefined, 10)).map((r) => r.user.id)).toEqual(['a', 'i']);
      expect(losingRepository.availability.isAvailable).toBe(true);
    } finally {
      await losingRepository.close();
    }
  });

  test('idle pooled sessions killed: the next calls answer on new connections, none reuses a killed one', async () => {
    await openFiveConnections();
    const idle = await backends(APPLICATION);
    expect(idle).toHaveLength(5);
    expect(await terminateAll(APPLICATION)).toBe(5);
    const answers = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(() => repository.count()));
    expect(answers).toEqual(Array(8).fill(0));
    expect((await backends(APPLICATION)).filter((pid) => idle.includes(pid))).toEqual([]);
    expect(changes).toEqual([]);
  });

  test('a call lost on a connection while the database is down: "database unavailable" once the check on a new connection fails', async () => {
    // A database that drops every new session at once (a role refused login): the check fails too.
    const refused = new PgDriver({ ...postgresClientConfig(database.url, {}), application_name: APPLICATION, user: 'nobody_here' }, 2, 'test');
    const lost = Object.assign(Object.create(refused) as SqlDriver, {
      query: async () => {
        throw new Error('Connection terminated unexpectedly');
      },
    });
    const downRepository = new SqlUserRepository(lost);
    const downChanges: Array<[boolean, string | undefined]> = [];
    downRepository.availability.onChange((available, reason) => downChanges.push([available, (reason?.cause as Error | undefined)?.message]));
    try {
      await expect(downRepository.count()).rejects.toThrow('database unavailable');
      expect(downChanges).toEqual([[false, 'password authentication failed for user "nobody_here"']]);
    } finally {
      await downRepository.close();
    }
  });
});

describe('users-server under traffic', () => {
  let server: StorageServer | undefined;
  let traffic = false;
  afterAll(async () => {
    traffic = false;
    await server?.stop();
  });

  test('every session terminated during traffic, three times: every call answers, user.UserService stays SERVING, no "database unavailable"', async () => {
    server = await startStorageServer(database.url, ['--samples=false', '--database-pool-size=4']);
    const { client, health } = server;
    await admin.query('TRUNCATE users');
    for (const name of ['opal', 'oprah', 'otto']) {
      expect((await client.create({ user: { id: '', age: 40, name: { first: name, last: 'Kill' }, email: `${name}@x.io`, phone: '', address: '' } })).status?.code).toBe(Status_StatusCode.SUCCESS);
    }
    const statuses: string[] = [];
    const watched = new AbortController();
    const userService = watchHealth(health, 'user.UserService', watched.signal);
    expect(await userService.next()).toBe('SERVING');
    const watching = (async () => {
      for (;;) statuses.push(await userService.next());
    })().catch(() => undefined);

    // Six callers, as the operator's ghz: searches, lists, look-ups and creates. Each counts its answers.
    const outcomes = new Map<string, number>();
    const answered = [0, 0, 0, 0, 0, 0];
    traffic = true;
    const callers = answered.map(async (_, caller) => {
      for (let i = 0; traffic; i += 1) {
        const call = [
          () => client.searchName({ query: 'op' }),
          () => client.list({}),
          () => client.getByEmail({ email: 'otto@x.io' }),
          () => client.create({ user: { id: '', age: 20, name: { first: 'New', last: 'Comer' }, email: `c${caller}-${i}@x.io`, phone: '', address: '' } }),
        ][(caller + i) % 4];
        const outcome = await call().then(
          (answer) => Status_StatusCode[answer.status?.code ?? Status_StatusCode.UNRECOGNIZED],
          (error: Error) => error.message,
        );
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        answered[caller] += 1;
      }
    });

    const application = 'users-server';
    let terminated = 0;
    for (let round = 0; round < 3; round += 1) {
      // Every caller answers twice between rounds: a retry is never itself in the next round's kill.
      const before = [...answered];
      await until(async () => answered.every((n, caller) => n >= before[caller] + 2));
      terminated += await terminateAll(application);
    }
    const after = [...answered];
    await until(async () => answered.every((n, caller) => n >= after[caller] + 2));
    traffic = false;
    await Promise.all(callers);

    expect(terminated).toBeGreaterThanOrEqual(3);
    // Every answer a success (each created email is new): no call failed.
    expect([...outcomes.keys()]).toEqual(['SUCCESS']);
    expect((await health.check({ service: 'user.UserService' })).status).toBe(ServingStatus.SERVING);
    watched.abort();
    await watching;
    expect(statuses.filter((s) => s !== 'end')).toEqual([]);
    expect(server.logLines('database unavailable: user.UserService is NOT_SERVING until it answers again')).toEqual([]);
    expect(server.logLines('unexpected error in call')).toEqual([]);
    // At most one line a minute for the losses, whether or not a kill found a busy session.
    expect(server.logLines('database connection lost: calls retried on a new connection, user.UserService stays SERVING').length).toBeLessThanOrEqual(1);
  });
});
