import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileErrorReason } from '../../shared/file-error-reason';

const LOCK_FILE = 'users-server.lock';

export interface DirectoryLock {
  release(): void;
}

/**
 * Claims a pglite: directory for this process: two processes writing one
 * PostgreSQL data directory corrupt it, and PGlite does not stop the second.
 * The lock file holds the owner's pid; a lock whose process is gone (a crash,
 * SIGKILL, a new container where this process has the old pid) is taken over.
 */
export function lockDirectory(dir: string): DirectoryLock {
  try {
    makeDirectory(dir);
  } catch (error) {
    // ENOENT only comes out of makeDirectory where the parent exists but refuses new entries (/proc).
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : fileErrorReason(error);
    throw new Error(`pglite:${dir}: cannot create the directory (${reason})`);
  }
  const file = path.join(dir, LOCK_FILE);
  const owner = readOwner(file);
  if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
    throw new Error(`pglite:${dir} is in use by another process (pid ${owner}): a pglite: directory serves one users-server at a time`);
  }
  // Written aside, then renamed: a reader never sees a half-written pid.
  writeFileSync(`${file}.${process.pid}`, `${process.pid}\n`);
  renameSync(`${file}.${process.pid}`, file);
  return {
    release() {
      if (readOwner(file) === process.pid) rmSync(file, { force: true });
    },
  };
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
    if (code === 'EEXIST') return;
    const parent = path.dirname(dir);
    if (code !== 'ENOENT' || parent === dir || existsSync(parent)) throw error;
    makeDirectory(parent);
    mkdirSync(dir);
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
