import fs, { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import * as lockfile from 'proper-lockfile';
import { fileErrorReason } from '../../shared/file-error-reason';

export const LOCK_NAME = 'users-server.lock';

/**
 * How the lock is kept. Its holder refreshes the lock's mtime every `refreshMs`;
 * a lock not refreshed for `staleMs` is taken over. Within the chart's startup
 * probe budget (60 s): a pod replacing a SIGKILLed one waits at most `staleMs`.
 */
export interface LockTiming {
  staleMs: number;
  refreshMs: number;
  /** How often a waiting server looks at the lock again. */
  pollMs: number;
}

export const LOCK_TIMING: LockTiming = { staleMs: 30_000, refreshMs: 5_000, pollMs: 1_000 };

export interface DirectoryLockEvents {
  /** Found locked by a holder that may be gone: waiting for its lock to go stale (once). */
  waiting?(message: string): void;
  /** A stale lock (its holder gone without releasing it) was taken over. */
  takenOver?(message: string): void;
  /** The lock is no longer ours (taken, removed, or not refreshed in time): stop using the directory. */
  lost?(error: Error): void;
}

export interface DirectoryLock {
  /** Throws once the lock may belong to someone else: call it before touching the directory. */
  assertHeld(): void;
  /**
   * assertHeld, after letting the event loop turn when the lock's refresh may be due: its
   * timer needs the loop, and a long run of PGlite statements (synchronous WASM, settled
   * through promises alone) would starve it until the lock went stale under its holder.
   */
  held(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Claims a pglite: directory for this process: two processes writing one
 * PostgreSQL data directory corrupt it, and PGlite does not stop the second.
 * A process id names no one across PID namespaces (two containers sharing a
 * volume are both pid 1) nor across reboots, so the lock is a directory
 * (created atomically) whose mtime its holder refreshes (proper-lockfile): a
 * lock refreshed less than `staleMs` ago is someone's, whatever their namespace
 * or host. One found locked is watched until it is either refreshed (refused:
 * its holder lives) or stale (taken over: its holder is gone).
 */
export async function lockDirectory(dir: string, events: DirectoryLockEvents = {}, timing: LockTiming = LOCK_TIMING): Promise<DirectoryLock> {
  try {
    makeDirectory(dir);
  } catch (error) {
    throw new Error(`pglite:${dir}: cannot create the directory (${creationFailure(error)})`);
  }
  const lockPath = path.join(dir, LOCK_NAME);
  let lost: Error | undefined;
  let released = false;
  // Until acquired, a lost lock is a refusal (lockDirectory rejects), not a `lost` event.
  let acquired = false;
  const markLost = (error: Error) => {
    if (lost) return;
    lost = error;
    if (acquired) events.lost?.(error);
  };
  let made = false;
  const lockFs = trackingFs(
    () => lost !== undefined,
    (exists) => (made = exists),
  );
  // proper-lockfile removes its locks at exit, but only once it has registered one, some way after making it:
  // a process that exits in between (SIGTERM during start-up) removes the lock it made itself.
  const removeMade = () => {
    if (made) rmdirQuietly(lockPath);
  };
  process.once('exit', removeMade);
  let turned = Date.now();
  let held: Awaited<ReturnType<typeof acquire>>;
  try {
    held = await acquire(dir, lockPath, lockFs, timing, events, (error) =>
      markLost(new Error(`pglite:${dir}: lost its lock ${lockPath} (${compromise(error)}): another users-server may be using the directory`)),
    );
  } finally {
    process.removeListener('exit', removeMade);
  }
  const { release, takenOver } = held;
  if (takenOver) {
    // Another server may have found the same lock stale at the same instant: then one of the two
    // removed the other's new lock to make its own. The first refresh tells which one holds it
    // (proper-lockfile finds an mtime that is not its own): wait for it before touching the directory.
    const written = lockFs.lastMtime();
    while (!lost && lockFs.lastMtime() === written) await delay(timing.pollMs);
    if (lost) {
      throw new Error(`pglite:${dir}: another users-server took over the same stale lock ${lockPath} at the same time: a pglite: directory serves one users-server at a time`);
    }
    events.takenOver?.(takenOver);
  }
  acquired = true;
  const assertHeld = () => {
    if (!lost) {
      const age = Date.now() - lockFs.lastMtime();
      // Refreshed on time, it is ours: a contender waits for it to be staleMs old. Late (PGlite's
      // initdb blocking the event loop on a busy machine, a frozen container), it is ours only if
      // not stale yet and still as we left it.
      if (age >= timing.staleMs) {
        markLost(new Error(`pglite:${dir}: its lock ${lockPath} was not refreshed for ${Math.round(age / 1000)} s: another users-server may have taken the directory`));
      } else if (age > timing.staleMs - timing.refreshMs && !sameMtime(mtimeOf(lockPath), lockFs.lastMtime())) {
        markLost(new Error(`pglite:${dir}: its lock ${lockPath} was changed or removed by someone else: another users-server may be using the directory`));
      }
    }
    if (lost) throw lost;
  };
  return {
    assertHeld,
    async held() {
      // Several turns per refresh period: the refresh is a timer, then a stat and a utimes.
      if (Date.now() - turned >= timing.refreshMs / 10) {
        await new Promise((resolve) => setImmediate(resolve));
        turned = Date.now();
      }
      assertHeld();
    },
    async release() {
      if (lost || released) return;
      released = true;
      await release();
    },
  };
}

type LockFs = typeof fs & { lastMtime(): number };

/**
 * The file system proper-lockfile works through (its `fs` option): it tells
 * the mtime last written to the lock (what a contender judges staleness by)
 * and whether a lock it made is there (`lockMade`), and once the lock is lost,
 * it neither refreshes nor removes it (at exit either): it may be another
 * server's by now.
 */
function trackingFs(isLost: () => boolean, lockMade: (exists: boolean) => void): LockFs {
  let lastMtime = 0;
  const refused = (callback: (error: Error) => void) => process.nextTick(callback, Object.assign(new Error('the lock is lost'), { code: 'ELOST' }));
  return {
    ...fs,
    lastMtime: () => lastMtime,
    utimes(file: fs.PathLike, atime: fs.TimeLike, mtime: fs.TimeLike, callback: fs.NoParamCallback) {
      if (isLost()) return refused(callback);
      fs.utimes(file, atime, mtime, (error) => {
        if (!error) lastMtime = new Date(mtime as Date).getTime();
        callback(error);
      });
    },
    mkdir(file: fs.PathLike, callback: fs.NoParamCallback) {
      fs.mkdir(file, (error) => {
        if (!error) lockMade(true);
        callback(error);
      });
    },
    rmdir(file: fs.PathLike, callback: fs.NoParamCallback) {
      if (isLost()) return process.nextTick(callback, null);
      fs.rmdir(file, (error) => {
        // Whatever was there (ours, or a stale one taken over) is gone: nothing of ours to remove at exit.
        if (!error) lockMade(false);
        callback(error);
      });
    },
    rmdirSync(file: fs.PathLike) {
      if (!isLost()) fs.rmdirSync(file);
    },
  } as LockFs;
}

/** The lock, and when it was a stale one taken over, the message that says so. */
async function acquire(
  dir: string,
  lockPath: string,
  lockFs: LockFs,
  timing: LockTiming,
  events: DirectoryLockEvents,
  onCompromised: (error: Error) => void,
): Promise<{ release: () => Promise<void>; takenOver?: string }> {
  removeFormerPidFile(dir, lockPath);
  let seen: number | undefined;
  for (;;) {
    const found = mtimeOf(lockPath);
    try {
      const release = await lockfile.lock(dir, { fs: lockFs, lockfilePath: lockPath, realpath: false, stale: timing.staleMs, update: timing.refreshMs, onCompromised });
      // Found stale: taken over (one found fresh was released meanwhile).
      if (found !== undefined && Date.now() - found >= timing.staleMs) {
        const seconds = Math.round((Date.now() - found) / 1000);
        return { release, takenOver: `pglite:${dir}: took over its lock ${lockPath}, not refreshed for ${seconds} s: the users-server that held it stopped without releasing it` };
      }
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw new Error(`pglite:${dir}: cannot create its lock ${lockPath} (${fileErrorReason(error)})`);
    }
    const mtime = mtimeOf(lockPath);
    if (mtime === undefined) continue; // released meanwhile
    if (seen === undefined) {
      seen = mtime;
      events.waiting?.(
        `pglite:${dir} is locked (${lockPath}) by another users-server, or by one that stopped without releasing it: ` +
          `waiting up to ${timing.staleMs / 1000} s for the lock to be refreshed (refused) or to go stale (taken over)`,
      );
    } else if (mtime !== seen) {
      throw new Error(`pglite:${dir} is in use by another users-server (its lock ${lockPath} is being refreshed): a pglite: directory serves one users-server at a time`);
    }
    await delay(timing.pollMs);
  }
}

/**
 * users-server 0.1 locked with a file holding its pid, removed when it stopped;
 * one left by a crash would block every start (a directory is the lock now).
 * It is removed unless its pid is a live process other than this one: a 0.1
 * server still running on the directory. (In a container the old server was
 * pid 1, as this one is: that pid names no one else.)
 */
function removeFormerPidFile(dir: string, lockPath: string): void {
  let content: string;
  try {
    if (!lstatSync(lockPath).isFile()) return;
    content = readFileSync(lockPath, 'latin1');
  } catch {
    // None (ENOENT), or the lock attempt that follows names the problem.
    return;
  }
  const pid = /^\s*(\d{1,9})\s*$/.exec(content)?.[1];
  // Pid 0 (or none) names no process: kill(0) would ask about this process group.
  if (pid !== undefined && Number(pid) > 0 && Number(pid) !== process.pid && isRunning(Number(pid))) {
    throw new Error(`pglite:${dir}: ${lockPath} is the lock of a users-server 0.1 still running (pid ${pid}): stop it first, or remove the file if pid ${pid} is not a users-server`);
  }
  try {
    rmSync(lockPath);
  } catch {
    // The lock attempt that follows names the problem.
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// proper-lockfile says this when the lock's mtime is not the one it wrote: someone else wrote it.
const NOT_OURS = 'Unable to update lock within the stale threshold';

function compromise(error: Error): string {
  return error.message === NOT_OURS ? 'someone else changed it' : error.message;
}

/** stat's mtimeMs is a float (seconds and nanoseconds): the mtime written, in whole ms, may come back a hair off. */
function sameMtime(onDisk: number | undefined, written: number): boolean {
  return onDisk !== undefined && Math.abs(onDisk - written) < 1;
}

function rmdirQuietly(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // Gone already.
  }
}

function mtimeOf(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function creationFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  // ENOENT only comes out of makeDirectory where the parent exists but refuses new entries (/proc).
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EEXIST') return 'a file of that name is in the way';
  return fileErrorReason(error);
}

/**
 * mkdir -p, one level at a time: Node's mkdirSync({ recursive: true }) loops
 * forever where mkdir fails with ENOENT under a parent that exists (/proc).
 */
function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (statSync(dir).isDirectory()) return;
      throw error;
    }
    const parent = path.dirname(dir);
    if (code !== 'ENOENT' || parent === dir || existsSync(parent)) throw error;
    makeDirectory(parent);
    mkdirSync(dir);
  }
}
