import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lockDirectory, LOCK_TIMING, type DirectoryLock } from '../../src/repository/sql/directory-lock';
import { makeTempDir, type TempDir } from '../support/temp-dir';

let dir: TempDir;
const held: DirectoryLock[] = [];
beforeEach(() => (dir = makeTempDir()));
afterEach(async () => {
  jest.restoreAllMocks();
  for (const lock of held.splice(0)) await lock.release();
  dir.cleanup();
});

const db = () => path.join(dir.path, 'db');
const lockPath = () => path.join(db(), 'users-server.lock');
// The shortest timing proper-lockfile takes, and a quick poll: the tests wait for events, never for a fixed time.
const quick = { staleMs: 2_000, refreshMs: 1_000, pollMs: 50 };

async function lock(where = db(), events = {}, timing = quick): Promise<DirectoryLock> {
  const taken = await lockDirectory(where, events, timing);
  held.push(taken);
  return taken;
}

/** A lock left by another holder: another container (any pid), another host, or a server killed with SIGKILL. */
function foreignLock(mtime: Date): void {
  mkdirSync(db(), { recursive: true });
  mkdirSync(lockPath());
  utimesSync(lockPath(), mtime, mtime);
}

test('a long run of statements settled through promises alone (PGlite) still lets its holder refresh the lock', async () => {
  const timing = { staleMs: 3_000, refreshMs: 500, pollMs: 50 };
  const taken = await lock(db(), {}, timing);
  const first = statSync(lockPath()).mtimeMs;
  // Longer than the stale time, of work that never waits for I/O or a timer: without held() turning
  // the event loop, the refresh timer never ran and the lock went stale under its holder.
  const end = Date.now() + timing.staleMs + 500;
  while (Date.now() < end) {
    await taken.held();
    await Promise.resolve();
  }
  expect(statSync(lockPath()).mtimeMs).toBeGreaterThan(first);
  expect(() => taken.assertHeld()).not.toThrow();
});

test('claims a directory (created if missing) with a lock directory, and releases it', async () => {
  const taken = await lock();
  expect(statSync(lockPath()).isDirectory()).toBe(true);
  expect(readdirSync(db())).toEqual(['users-server.lock']);
  await taken.release();
  expect(existsSync(lockPath())).toBe(false);
});

test('refuses a directory whose lock another holder keeps refreshing, whatever its pid or PID namespace', async () => {
  // A live holder elsewhere (another container, where it is pid 1 too): its lock is fresh and refreshed.
  foreignLock(new Date());
  const waiting: string[] = [];
  const refresh = () => utimesSync(lockPath(), new Date(Date.now() + 1_000), new Date(Date.now() + 1_000));
  await expect(lock(db(), { waiting: (message: string) => (waiting.push(message), refresh()) }, { ...LOCK_TIMING, pollMs: 50 })).rejects.toThrow(
    new Error(`pglite:${db()} is in use by another users-server (its lock ${lockPath()} is being refreshed): a pglite: directory serves one users-server at a time`),
  );
  expect(waiting).toEqual([
    `pglite:${db()} is locked (${lockPath()}) by another users-server, or by one that stopped without releasing it: ` +
      'waiting up to 30 s for the lock to be refreshed (refused) or to go stale (taken over)',
  ]);
  expect(existsSync(lockPath())).toBe(true);
});

test('a second lock in the same process is refused too (the first one refreshes its lock)', async () => {
  await lock();
  await expect(lock()).rejects.toThrow(`pglite:${db()} is in use by another users-server`);
});

test('takes over a stale lock at once (its holder is gone: SIGKILL, a reboot), without waiting', async () => {
  foreignLock(new Date(Date.now() - 60_000));
  const waiting = jest.fn();
  const takenOver = jest.fn();
  await lock(db(), { waiting, takenOver });
  expect(waiting).not.toHaveBeenCalled();
  expect(takenOver.mock.calls).toEqual([[`pglite:${db()}: took over its lock ${lockPath()}, not refreshed for 60 s: the users-server that held it stopped without releasing it`]]);
  expect(statSync(lockPath()).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
});

test('two servers taking over one stale lock at the same instant: the one whose new lock the other replaced refuses, before using the directory', async () => {
  const stale = new Date(Date.now() - 60_000);
  foreignLock(stale);
  const takenOver = jest.fn();
  const lost = jest.fn();
  const taking = lockDirectory(db(), { takenOver, lost }, quick);
  // Our new lock is made; the other server, which judged the old lock stale too, now removes it and makes its own.
  while (Math.abs(statSync(lockPath()).mtimeMs - stale.getTime()) < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  rmdirSync(lockPath());
  mkdirSync(lockPath());
  const theirs = statSync(lockPath()).mtimeMs;
  await expect(taking).rejects.toThrow(
    new Error(`pglite:${db()}: another users-server took over the same stale lock ${lockPath()} at the same time: a pglite: directory serves one users-server at a time`),
  );
  expect([takenOver.mock.calls, lost.mock.calls]).toEqual([[], []]);
  // The other server's lock is left as it made it.
  expect(statSync(lockPath()).mtimeMs).toBe(theirs);
});

test('waits for a fresh lock that nobody refreshes to go stale, saying so once, then takes it over', async () => {
  // A holder killed a moment ago (a Recreate rollout after SIGKILL): its lock is fresh but never refreshed again.
  foreignLock(new Date(Date.now() + 5_000));
  const waiting = jest.fn();
  const takenOver = jest.fn();
  await lock(db(), { waiting, takenOver });
  expect(waiting).toHaveBeenCalledTimes(1);
  expect(takenOver).toHaveBeenCalledWith(expect.stringMatching(/^pglite:.*: took over its lock .*, not refreshed for \d+ s: the users-server that held it stopped without releasing it$/));
  expect(waiting).toHaveBeenCalledWith(expect.stringMatching(/waiting up to 2 s for the lock to be refreshed \(refused\) or to go stale \(taken over\)$/));
});

test('a lock removed under its holder is lost: an event, and every later use throws', async () => {
  let onLost!: (error: Error) => void;
  const lost = new Promise<Error>((resolve) => (onLost = resolve));
  const taken = await lock(db(), { lost: (error: Error) => onLost(error) });
  rmdirSync(lockPath());
  const error = await lost;
  expect(error.message).toBe(`pglite:${db()}: lost its lock ${lockPath()} (ENOENT: no such file or directory, stat '${lockPath()}'): another users-server may be using the directory`);
  expect(() => taken.assertHeld()).toThrow(error);
});

test('a lock not refreshed for staleMs (a stalled event loop, a frozen container) is lost before its next use', async () => {
  const lost = jest.fn();
  const taken = await lock(db(), { lost });
  expect(() => taken.assertHeld()).not.toThrow();
  // 20 s after the mtime it last wrote (what a contender judges it by).
  jest.spyOn(Date, 'now').mockReturnValue(statSync(lockPath()).mtimeMs + 20_000);
  const expected = new Error(`pglite:${db()}: its lock ${lockPath()} was not refreshed for 20 s: another users-server may have taken the directory`);
  expect(() => taken.assertHeld()).toThrow(expected);
  expect(lost).toHaveBeenCalledWith(expected);
  // Released, it stays: it may be another server's by now.
  await taken.release();
  expect(existsSync(lockPath())).toBe(true);
});

test('a late lock (not refreshed for staleMs - refreshMs) is still used if it is as its holder left it, lost if someone changed it', async () => {
  const lost = jest.fn();
  const taken = await lock(db(), { lost });
  const written = statSync(lockPath()).mtime;
  // Late but not stale, and untouched (PGlite's initdb kept the event loop busy): still ours.
  jest.spyOn(Date, 'now').mockReturnValue(written.getTime() + 1_500);
  expect(() => taken.assertHeld()).not.toThrow();
  // Changed by another holder meanwhile.
  utimesSync(lockPath(), new Date(written.getTime() + 1_000), new Date(written.getTime() + 1_000));
  const expected = new Error(`pglite:${db()}: its lock ${lockPath()} was changed or removed by someone else: another users-server may be using the directory`);
  expect(() => taken.assertHeld()).toThrow(expected);
  expect(lost).toHaveBeenCalledWith(expected);
});

test.each([
  ['a process that has ended', () => exitedPid()],
  ['0, which names no process', () => 0],
  ["this process's own (a container's pid 1 again, after a restart)", () => process.pid],
])("a pid file left by users-server 0.1's lock (a crash before an upgrade), holding the pid of %s, is replaced by the lock directory", async (_, pid) => {
  mkdirSync(db());
  writeFileSync(lockPath(), `${pid()}\n`);
  await lock();
  expect(statSync(lockPath()).isDirectory()).toBe(true);
});

test("a pid file of users-server 0.1's lock whose pid runs (a 0.1 server still on the directory) is refused and left as it is", async () => {
  const running = spawn('sleep', ['30']);
  try {
    mkdirSync(db());
    writeFileSync(lockPath(), `${running.pid}\n`);
    await expect(lock()).rejects.toThrow(
      new Error(`pglite:${db()}: ${lockPath()} is the lock of a users-server 0.1 still running (pid ${running.pid}): stop it first, or remove the file if pid ${running.pid} is not a users-server`),
    );
    expect(readFileSync(lockPath(), 'utf8')).toBe(`${running.pid}\n`);
  } finally {
    running.kill();
  }
});

/** The pid of a process that ran and has ended. */
function exitedPid(): number {
  const ended = spawnSync('true');
  return ended.pid;
}

test('creates missing parents one level at a time', async () => {
  await lock(path.join(dir.path, 'a', 'b', 'db'));
  expect(statSync(path.join(dir.path, 'a', 'b', 'db', 'users-server.lock')).isDirectory()).toBe(true);
});

test.each<[string, (root: string) => string, string]>([
  // mkdirSync({ recursive: true }) looped forever here: /proc exists but nothing can be made in it.
  ['under /proc', () => '/proc/nope/db', 'no such file or directory'],
  ['under a file', (root) => (writeFileSync(path.join(root, 'file'), ''), path.join(root, 'file', 'db')), 'a part of the path is not a directory'],
  ['a file itself', (root) => (writeFileSync(path.join(root, 'file'), ''), path.join(root, 'file')), 'a file of that name is in the way'],
])('a directory that cannot be created (%s) is one error naming it and why', async (_where, target, reason) => {
  const where = target(dir.path);
  await expect(lockDirectory(where)).rejects.toThrow(new Error(`pglite:${where}: cannot create the directory (${reason})`));
  expect(readdirSync(dir.path).filter((name) => name.includes('lock'))).toEqual([]);
});
