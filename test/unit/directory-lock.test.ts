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

test('creates missing parents one level at a time', () => {
  const lock = lockDirectory(path.join(dir.path, 'a', 'b', 'db'));
  expect(readFileSync(path.join(dir.path, 'a', 'b', 'db', 'users-server.lock'), 'utf8')).toBe(`${process.pid}\n`);
  lock.release();
});

test.each<[string, (root: string) => string, string]>([
  // mkdirSync({ recursive: true }) looped forever here: /proc exists but nothing can be made in it.
  ['under /proc', () => '/proc/nope/db', 'no such file or directory'],
  ['under a file', (root) => (writeFileSync(path.join(root, 'file'), ''), path.join(root, 'file', 'db')), 'a part of the path is not a directory'],
])('a directory that cannot be created (%s) is one error naming it and why', (_where, target, reason) => {
  const where = target(dir.path);
  expect(() => lockDirectory(where)).toThrow(new Error(`pglite:${where}: cannot create the directory (${reason})`));
});
