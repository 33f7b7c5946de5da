import { RepositoryOverloadedError, RepositorySchemaMissingError, RepositoryUnavailableError } from '../../src/domain/storage-errors';
import { DatabaseAvailability, SHORTAGE_REPORT_INTERVAL_MS } from '../../src/repository/sql/database-availability';

class Down extends Error {}
/** A connection lost under its statement (pg_terminate_backend's 57P01, a reset): "unavailable" too, as the drivers say. */
class Lost extends Down {}
/** An error as pg and PGlite give it: a SQLSTATE in `code`. */
const sqlError = (code: string, message: string) => Object.assign(new Error(message), { code });
const noTable = () => sqlError('42P01', 'relation "users" does not exist');

/** A database whose answers the test decides, and whose checks (on a new connection) it can count. */
function fakeDatabase() {
  let up = true;
  let table = true;
  let pings = 0;
  let lostChecks = 0;
  const availability = new DatabaseAvailability(
    {
      check: async () => {
        pings += 1;
        if (lostChecks > 0) {
          lostChecks -= 1;
          throw new Lost('terminating connection due to administrator command');
        }
        if (!up) throw new Down('connect ECONNREFUSED');
        if (!table) throw noTable();
      },
      isUnavailable: (error) => error instanceof Down,
      isConnectionLost: (error) => error instanceof Lost,
    },
    5,
  );
  const changes: Array<boolean | string> = [];
  const changed: Array<() => void> = [];
  availability.onChange((available, reason) => {
    changes.push(available || `${reason?.message}: ${(reason?.cause as Error).message}`);
    changed.shift()?.();
  });
  return {
    availability,
    changes,
    pings: () => pings,
    set: (value: boolean) => (up = value),
    setTable: (value: boolean) => (table = value),
    /** The next `count` checks lose their own connection (a storm of kills). */
    loseChecks: (count: number) => (lostChecks = count),
    /** Changes the database by `change`, then waits for the availability's next change of state. */
    changeAfter: async (change: () => void) => {
      const next = new Promise<void>((resolve) => changed.push(resolve));
      change();
      await next;
    },
    query: () => availability.run(async () => {
      if (!up) throw new Down('connect ECONNREFUSED');
      if (!table) throw noTable();
      return 'rows';
    }, { retry: true }),
  };
}

afterEach(() => jest.useRealTimers());

test('passes answers and other errors through while the database answers', async () => {
  const db = fakeDatabase();
  await expect(db.query()).resolves.toBe('rows');
  const bug = new Error('syntax error at or near "SELEC"');
  await expect(db.availability.run(() => Promise.reject(bug), { retry: true })).rejects.toBe(bug);
  expect(db.availability.isAvailable).toBe(true);
  expect(db.changes).toEqual([]);
  db.availability.stop();
});

test('an unreachable database: RepositoryUnavailableError with the cause, one change, then fail fast without touching it', async () => {
  const db = fakeDatabase();
  db.set(false);
  const error = await db.query().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RepositoryUnavailableError);
  expect((error as Error).message).toBe('database unavailable');
  expect((error as Error).cause).toBeInstanceOf(Down);
  let touched = false;
  await expect(db.availability.run(async () => (touched = true), { retry: true })).rejects.toThrow(new RepositoryUnavailableError());
  expect(touched).toBe(false);
  expect(db.changes).toEqual(['database unavailable: connect ECONNREFUSED']);
  db.availability.stop();
});

test('concurrent failures make one change; the probe brings it back by itself, once', async () => {
  const db = fakeDatabase();
  db.set(false);
  await Promise.all([db.query(), db.query(), db.query()].map((p) => p.catch(() => undefined)));
  expect(db.changes).toEqual(['database unavailable: connect ECONNREFUSED']);
  await db.changeAfter(() => db.set(true));
  expect(db.changes).toEqual(['database unavailable: connect ECONNREFUSED', true]);
  await expect(db.query()).resolves.toBe('rows');
  db.availability.stop();
});

test('stop ends the probing', async () => {
  jest.useFakeTimers();
  const db = fakeDatabase();
  db.set(false);
  await db.query().catch(() => undefined);
  await jest.advanceTimersByTimeAsync(20);
  const pings = db.pings();
  expect(pings).toBeGreaterThan(0);
  db.availability.stop();
  await jest.advanceTimersByTimeAsync(100);
  expect(db.pings()).toBe(pings);
});

test('a shortage (class 53, a statement timeout) refuses the call but is no outage: no change, reports at most once a minute with the count', async () => {
  jest.useFakeTimers();
  const db = fakeDatabase();
  const reports: Array<[string, number]> = [];
  db.availability.onShortage((cause, refused) => reports.push([(cause as Error).message, refused]));
  const refuse = (code: string, message: string) => db.availability.run(() => Promise.reject(sqlError(code, message)), { retry: true }).catch((e: unknown) => e);

  const tooMany = await refuse('53300', 'too many connections for role "app"');
  expect(tooMany).toBeInstanceOf(RepositoryOverloadedError);
  expect(tooMany).toMatchObject({ message: 'database overloaded', storageFull: false, cause: expect.objectContaining({ code: '53300' }) });
  expect(await refuse('57014', 'canceling statement due to statement timeout')).toMatchObject({ message: 'database overloaded', storageFull: false });
  expect(await refuse('53100', 'could not extend file: No space left on device')).toMatchObject({ message: 'database storage is full', storageFull: true });
  await expect(db.query()).resolves.toBe('rows');
  expect(db.availability.isAvailable).toBe(true);
  expect(db.changes).toEqual([]);
  expect(reports).toEqual([['too many connections for role "app"', 1]]);

  await jest.advanceTimersByTimeAsync(SHORTAGE_REPORT_INTERVAL_MS);
  await refuse('53200', 'out of memory');
  expect(reports).toEqual([
    ['too many connections for role "app"', 1],
    ['out of memory', 3],
  ]);
  expect(db.pings()).toBe(0);
  db.availability.stop();
});

/** A call whose first `lostAttempts` attempts lose their connection, then answer; counts its attempts. */
function losingCall(db: ReturnType<typeof fakeDatabase>, lostAttempts: number, retry = true) {
  let attempts = 0;
  const result = db.availability.run(async () => {
    attempts += 1;
    if (attempts <= lostAttempts) throw new Lost('terminating connection due to administrator command');
    return 'rows';
  }, { retry });
  return { result, attempts: () => attempts };
}

describe('a connection lost under a call', () => {
  test('a retryable call runs once more and answers: no check, no change, the loss reported once with its count', async () => {
    const db = fakeDatabase();
    const losses: Array<[string, number]> = [];
    db.availability.onConnectionLoss((cause, lost) => losses.push([(cause as Error).message, lost]));
    const call = losingCall(db, 1);
    await expect(call.result).resolves.toBe('rows');
    expect(call.attempts()).toBe(2);
    expect(db.pings()).toBe(0);
    expect(db.changes).toEqual([]);
    expect(db.availability.isAvailable).toBe(true);
    // A second loss within the minute: counted, not reported yet.
    await expect(losingCall(db, 1).result).resolves.toBe('rows');
    expect(losses).toEqual([['terminating connection due to administrator command', 1]]);
    db.availability.stop();
  });

  test.each([
    ['lost again on its retry', 2, true, 2],
    ['not retryable', 1, false, 1],
  ])('%s, the database answering a new connection: UNAVAILABLE "database connection lost" for this call only, no change', async (_, lostAttempts, retry, attempts) => {
    const db = fakeDatabase();
    const call = losingCall(db, lostAttempts, retry);
    const error = await call.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryUnavailableError);
    expect(error).toMatchObject({ message: 'database connection lost', cause: expect.any(Lost) });
    expect(call.attempts()).toBe(attempts);
    expect(db.pings()).toBe(1);
    expect(db.changes).toEqual([]);
    await expect(db.query()).resolves.toBe('rows');
    db.availability.stop();
  });

  test.each([
    [2, 'database connection lost', []],
    [3, 'database unavailable', ['database unavailable: terminating connection due to administrator command']],
  ])('checks that lose their own connection are tried again: %d lost in a row: %s', async (lost, message, changes) => {
    const db = fakeDatabase();
    db.loseChecks(lost);
    const error = await losingCall(db, 1, false).result.catch((e: unknown) => e);
    expect(error).toMatchObject({ message });
    expect(db.pings()).toBe(lost === 3 ? 3 : lost + 1);
    expect(db.changes).toEqual(changes);
    db.availability.stop();
  });

  test('a new connection fails too: down, "database unavailable" with the check\'s cause, one change; concurrent losses share one check', async () => {
    const db = fakeDatabase();
    let attempts = 0;
    const lose = () => db.availability.run(async () => {
      attempts += 1;
      db.set(false);
      throw new Lost('terminating connection due to administrator command');
    }, { retry: false });
    const errors = await Promise.all([lose(), lose(), lose()].map((p) => p.catch((e: unknown) => e)));
    expect(errors.map((e) => (e as Error).message)).toEqual(['database unavailable', 'database unavailable', 'database unavailable']);
    expect(errors.every((e) => e instanceof RepositoryUnavailableError)).toBe(true);
    expect(attempts).toBe(3);
    expect(db.pings()).toBe(1);
    expect(db.changes).toEqual(['database unavailable: connect ECONNREFUSED']);
    await db.changeAfter(() => db.set(true));
    expect(db.changes).toEqual(['database unavailable: connect ECONNREFUSED', true]);
    db.availability.stop();
  });

  test('a retry that finds the database refusing connections: down at once, without a check', async () => {
    const db = fakeDatabase();
    let attempts = 0;
    const error = await db.availability.run(async () => {
      attempts += 1;
      if (attempts === 1) throw new Lost('Connection terminated unexpectedly');
      throw new Down('connect ECONNREFUSED');
    }, { retry: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'database unavailable', cause: expect.any(Down) });
    expect(attempts).toBe(2);
    expect(db.pings()).toBe(0);
    expect(db.changes).toEqual(['database unavailable: connect ECONNREFUSED']);
    db.availability.stop();
  });
});

describe('the users table missing', () => {
  test('RepositorySchemaMissingError "database schema missing", one change, calls refused at once; the table back: available, once', async () => {
    const db = fakeDatabase();
    db.setTable(false);
    const error = await db.query().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositorySchemaMissingError);
    expect(error).toBeInstanceOf(RepositoryUnavailableError);
    expect(error).toMatchObject({ message: 'database schema missing', cause: expect.objectContaining({ code: '42P01' }) });
    let touched = false;
    await expect(db.availability.run(async () => (touched = true), { retry: true })).rejects.toThrow(new RepositorySchemaMissingError());
    expect(touched).toBe(false);
    expect(db.changes).toEqual(['database schema missing: relation "users" does not exist']);
    await db.changeAfter(() => db.setTable(true));
    expect(db.changes).toEqual(['database schema missing: relation "users" does not exist', true]);
    await expect(db.query()).resolves.toBe('rows');
    db.availability.stop();
  });

  test('the reason changes while down (the table back, the server gone): one change for it, calls refused with the new reason', async () => {
    const db = fakeDatabase();
    db.setTable(false);
    await db.query().catch(() => undefined);
    await db.changeAfter(() => {
      db.setTable(true);
      db.set(false);
    });
    expect(db.changes).toEqual(['database schema missing: relation "users" does not exist', 'database unavailable: connect ECONNREFUSED']);
    expect(db.availability.isAvailable).toBe(false);
    await expect(db.query()).rejects.toThrow(new RepositoryUnavailableError());
    await db.changeAfter(() => db.set(true));
    expect(db.changes).toHaveLength(3);
    db.availability.stop();
  });
});
