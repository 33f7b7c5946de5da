import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openFailure, refuseForeignDirectory } from '../../src/repository/sql/pglite-data-directory';
import { makeTempDir, type TempDir } from '../support/temp-dir';

let dir: TempDir;
beforeEach(() => (dir = makeTempDir()));
afterEach(() => dir.cleanup());

test.each<[string, string[]]>([
  ['empty', []],
  // A volume's root (the chart mounts one at the data directory) and our own lock.
  ['holding only lost+found and the lock', ['lost+found/', 'users-server.lock/']],
  ['a data directory', ['PG_VERSION', 'base/', 'global/', 'users-server.lock/']],
])('a directory %s is accepted', (_what, entries) => {
  for (const entry of entries) {
    if (entry.endsWith('/')) mkdirSync(path.join(dir.path, entry));
    else writeFileSync(path.join(dir.path, entry), '18\n');
  }
  expect(() => refuseForeignDirectory(dir.path)).not.toThrow();
});

test('a directory holding anything else is refused, naming the first three entries and how many more', () => {
  for (const name of ['e.txt', 'd.txt', 'c.txt', 'b.txt', 'a\nb.txt', 'lost+found']) writeFileSync(path.join(dir.path, name), '');
  expect(() => refuseForeignDirectory(dir.path)).toThrow(
    new Error(`pglite:${dir.path}: not empty and not a PGlite data directory (no PG_VERSION; it holds "a\\nb.txt", "b.txt", "c.txt" and 2 more): give a new or empty directory`),
  );
});

test("opening failures name PostgreSQL's last PANIC or FATAL line, else PGlite's error without its build hint", () => {
  const aborted = new Error('Aborted(). Build with -sASSERTIONS for more info.');
  expect(openFailure('/d', aborted, ['2026-11-27 06:55:50.856 UTC [42] PANIC:  could not read file "global/pg_control": read 100 of 296', 'Aborted()']).message).toBe(
    'pglite:/d: cannot open the data directory: could not read file "global/pg_control": read 100 of 296',
  );
  expect(openFailure('/d', aborted, ['Aborted()']).message).toBe('pglite:/d: cannot open the data directory: Aborted()');
});
