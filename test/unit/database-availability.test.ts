import { RepositoryOverloadedError, RepositoryUnavailableError } from '../../src/domain/storage-errors';
import { DatabaseAvailability, SHORTAGE_REPORT_INTERVAL_MS } from '../../src/repository/sql/database-availability';

class Down extends Error {}

/** A database whose answers the test decides, and whose probes it can count. */
function fakeDatabase() {
  let up = true;
  let pings = 0;
  const availability = new DatabaseAvailability(
    async () => {
      pings += 1;
      if (!up) throw new Down('connect ECONNREFUSED');
    },
    (error) => error instanceof Down,
    5,
  );
  const changes: boolean[] = [];
  const changed: Array<() => void> = [];
  availability.onChange((available) => {
    changes.push(available);
    changed.shift()?.();
  });
  return {
    availability,
    changes,
    pings: () => pings,
    set: (value: boolean) => (up = value),
    nextChange: () => new Promise<void>((resolve) => changed.push(resolve)),
    query: () => availability.run(async () => {
      if (!up) throw new Down('connect ECONNREFUSED');
      return 'rows';
    }),
  };
}

afterEach(() => jest.useRealTimers());

test('passes answers and other errors through while the database answers', async () => {
  const db = fakeDatabase();
  await expect(db.query()).resolves.toBe('rows');
  const bug = new Error('syntax error at or near "SELEC"');
  await expect(db.availability.run(() => Promise.reject(bug))).rejects.toBe(bug);
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
  await expect(db.availability.run(async () => (touched = true))).rejects.toThrow(new RepositoryUnavailableError());
  expect(touched).toBe(false);
  expect(db.changes).toEqual([false]);
  db.availability.stop();
});

test('concurrent failures make one change; the probe brings it back by itself, once', async () => {
  const db = fakeDatabase();
  db.set(false);
  await Promise.all([db.query(), db.query(), db.query()].map((p) => p.catch(() => undefined)));
  expect(db.changes).toEqual([false]);
  const back = db.nextChange();
  db.set(true);
  await back;
  expect(db.changes).toEqual([false, true]);
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

/** An error as pg and PGlite give it: a SQLSTATE in `code`. */
const sqlError = (code: string, message: string) => Object.assign(new Error(message), { code });

test('a shortage (class 53, a statement timeout) refuses the call but is no outage: no change, reports at most once a minute with the count', async () => {
  jest.useFakeTimers();
  const db = fakeDatabase();
  const reports: Array<[string, number]> = [];
  db.availability.onShortage((cause, refused) => reports.push([(cause as Error).message, refused]));
  const refuse = (code: string, message: string) => db.availability.run(() => Promise.reject(sqlError(code, message))).catch((e: unknown) => e);

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
