import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireServerBundle } from '../support/prerequisites';
import { run, SERVER_BIN } from '../support/processes';
import { createTestDatabase, dataRoot, type TestDatabase } from '../support/postgres';

// ~/.pgpass (PGPASSFILE): read by users-server, one line for each way it can fail, and no pg DeprecationWarning.
jest.setTimeout(120_000);

let root: ReturnType<typeof dataRoot>;
let database: TestDatabase;
let url: URL;
beforeAll(async () => {
  requireServerBundle();
  root = dataRoot('users-grpc-pgpass-');
  database = await createTestDatabase();
  url = new URL(database.url);
});
afterAll(async () => {
  await database?.drop();
  root?.cleanup();
});

/** `users-server migrate` with the URL's password left to the file. */
function migrate(file: string) {
  const withoutPassword = new URL(url.href);
  withoutPassword.password = '';
  return run(process.execPath, [SERVER_BIN, 'migrate', `--database-url=${withoutPassword.href}`], { env: { PGPASSFILE: file }, timeoutMs: 60_000 });
}

function passwordFile(name: string, lines: string, mode: number): string {
  const file = path.join(root.path, name);
  writeFileSync(file, lines);
  chmodSync(file, mode);
  return file;
}

const databaseName = () => url.pathname.slice(1);

test('a matching line: used, with no warning logged', async () => {
  const file = passwordFile('pgpass', `# comment\nother:5432:*:*:wrong\n${url.hostname}:${url.port}:${databaseName()}:postgres:${decodeURIComponent(url.password)}\n`, 0o600);
  const result = await migrate(file);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout.trim().split('\n')).toEqual([expect.stringMatching(/ INFO {2}database schema up to date /)]);
});

test('a file others can read: refused in one line saying how to fix it (libpq and pg ignore it with a raw WARNING)', async () => {
  const file = passwordFile('open-pgpass', `*:*:*:*:${decodeURIComponent(url.password)}\n`, 0o644);
  expect(await migrate(file)).toEqual({ code: 1, stdout: '', stderr: `users-server: migrate: password file "${file}" has group or world access: make it u=rw (chmod 600) or less\n` });
});

test('no line matches, or no file: one line naming the connection and where a password goes', async () => {
  const who = `postgres@${url.hostname}:${url.port}/${databaseName()}`;
  const file = passwordFile('other-pgpass', 'db.internal:5432:*:*:secret\n', 0o600);
  expect(await migrate(file)).toEqual({
    code: 1,
    stdout: '',
    stderr: `users-server: migrate: the server asks for a password for "${who}" and none is given: put it in the URL, PGPASSWORD or ${file} (no line matches)\n`,
  });
  const missing = path.join(root.path, 'no-pgpass');
  expect(await migrate(missing)).toEqual({
    code: 1,
    stdout: '',
    stderr: `users-server: migrate: the server asks for a password for "${who}" and none is given: put it in the URL, PGPASSWORD or ${missing} (there is no such file)\n`,
  });
});

test('a password file that is a directory, or behind a file: one line naming it', async () => {
  expect(await migrate(root.path)).toEqual({ code: 1, stdout: '', stderr: `users-server: migrate: password file "${root.path}" is not a plain file\n` });
  const file = passwordFile('plain', '', 0o600);
  expect(await migrate(path.join(file, 'pgpass'))).toEqual({
    code: 1,
    stdout: '',
    stderr: `users-server: migrate: password file "${path.join(file, 'pgpass')}": a part of the path is not a directory\n`,
  });
});
