import fs, { readlinkSync } from 'node:fs';
import path from 'node:path';
import { PgliteDriver } from '../../src/repository/sql/pglite-driver';
import { makeTempDir, type TempDir } from '../support/temp-dir';

// PGlite runs PostgreSQL with fsync off and Emscripten's NODEFS has no fsync: a
// commit reached only the page cache. Now each commit fsyncs the WAL it wrote.
jest.setTimeout(120_000);

let dir: TempDir;
beforeAll(() => (dir = makeTempDir()));
afterAll(() => dir.cleanup());

test('a commit on a pglite: directory fsyncs its WAL segment before the statement resolves, once', async () => {
  const driver = await PgliteDriver.open(path.join(dir.path, 'db'));
  try {
    await driver.exec('create table t (x int)');
    const fsyncSync = fs.fsyncSync;
    const synced: string[] = [];
    const spy = jest.spyOn(fs, 'fsyncSync').mockImplementation((fd) => {
      synced.push(readlinkSync(`/proc/self/fd/${fd}`));
      fsyncSync(fd);
    });
    await driver.query('insert into t values (1)');
    spy.mockRestore();
    expect(synced).toEqual([expect.stringMatching(new RegExp(`^${path.join(dir.path, 'db', 'pg_wal')}/[0-9A-F]{24}$`))]);
    expect(await driver.query('show fsync')).toEqual([{ fsync: 'on' }]);
  } finally {
    await driver.close();
  }
});
