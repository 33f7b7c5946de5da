import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { lockDirectory } from '../../src/repository/sql/directory-lock';
import { makeTempDir, type TempDir } from '../support/temp-dir';

let dir: TempDir;
beforeEach(() => (dir = makeTempDir()));
afterEach(() => dir.cleanup());

const lockFile = () => path.join(dir.path, 'db', 'users-server.lock');

test('claims a directory (created if missing) with this pid, and releases it', () => {
  const lock = lockDirectory(path.join(dir.path, 'db'));
  expect(readFileSync(lockFile(), 'utf8')).toBe(`${process.pid}\n`);
  lock.release();
  expect(existsSync(lockFile())).toBe(false);
});

test('refuses a directory that a live process holds, naming it', () => {
  // The parent of this jest worker is alive and is not this process.
  lockDirectory(path.join(dir.path, 'db'));
  writeFileSync(lockFile(), `${process.ppid}\n`);
  expect(() => lockDirectory(path.join(dir.path, 'db'))).toThrow(
    new Error(`pglite:${path.join(dir.path, 'db')} is in use by another process (pid ${process.ppid}): a pglite: directory serves one users-server at a time`),
  );
  expect(readFileSync(lockFile(), 'utf8')).toBe(`${process.ppid}\n`);
});

test('takes over the lock of a process that is gone (a crash, SIGKILL)', () => {
  const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
  lockDirectory(path.join(dir.path, 'db'));
  writeFileSync(lockFile(), `${gone}\n`);
  const lock = lockDirectory(path.join(dir.path, 'db'));
  expect(readFileSync(lockFile(), 'utf8')).toBe(`${process.pid}\n`);
  lock.release();
});

test('releasing leaves a lock another process took alone', () => {
  const lock = lockDirectory(path.join(dir.path, 'db'));
  writeFileSync(lockFile(), `${process.ppid}\n`);
  lock.release();
  expect(readFileSync(lockFile(), 'utf8')).toBe(`${process.ppid}\n`);
});
