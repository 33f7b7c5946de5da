import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { Status_StatusCode } from '../../gen/user/user';
import { requireServerBundle, requireUnshare } from '../support/prerequisites';
import { run, SERVER_BIN } from '../support/processes';
import { createTestDatabase, dataRoot, type TestDatabase } from '../support/postgres';
import { startStorageServer, type StorageServer } from '../support/storage-server';

// An acknowledged Create is committed before its answer: users-server killed
// with SIGKILL right after the last answer loses none of them.
const N = 25;
jest.setTimeout(180_000);

let root: ReturnType<typeof dataRoot>;
let database: TestDatabase;
const servers: StorageServer[] = [];
beforeAll(async () => {
  requireServerBundle();
  root = dataRoot('users-grpc-durability-');
  database = await createTestDatabase();
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});
afterAll(async () => {
  await database?.drop();
  root?.cleanup();
});

const lock = (dir: string) => path.join(dir, 'users-server.lock');

async function createThenKill(databaseUrl: string): Promise<string[]> {
  const server = await startStorageServer(databaseUrl, ['--samples=false']);
  servers.push(server);
  const emails: string[] = [];
  for (let i = 0; i < N; i++) {
    const email = `durable-${i}@x.io`;
    const response = await server.client.create({ user: { id: '', age: 20 + i, name: { first: 'Dura', last: `Ble${i}` }, email, phone: '', address: '' } });
    expect(response.status?.code).toBe(Status_StatusCode.SUCCESS);
    emails.push(email);
  }
  // No graceful shutdown, no chance to flush: the process is gone at once.
  server.child.kill('SIGKILL');
  expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
  return emails;
}

async function emailsAfterRestart(databaseUrl: string): Promise<string[]> {
  const server = await startStorageServer(databaseUrl, ['--samples=false']);
  servers.push(server);
  const response = await server.client.list({});
  expect(response.status?.code).toBe(Status_StatusCode.SUCCESS);
  return response.users.map((user) => user.email);
}

test(`pglite directory: ${N} acknowledged creates, SIGKILL, restart: all ${N} are there`, async () => {
  const dir = path.join(root.path, 'pglite');
  const lock = path.join(dir, 'users-server.lock');
  const created = await createThenKill(`pglite:${dir}`);
  // The killed server's lock is left, not refreshed: the restart takes it over once stale (up to 30 s later).
  expect((await emailsAfterRestart(`pglite:${dir}`)).sort()).toEqual(created.sort());

  // While that one runs, a second users-server on the same directory is refused, and changes nothing: from this
  // PID namespace, and from its own, as a second container sharing the volume (both are pid 1 there).
  for (const namespace of [[], requireUnshare()]) {
    const [command, ...args] = [...namespace, process.execPath, SERVER_BIN, '--address=127.0.0.1:0', '--metrics-address=', `--database-url=pglite:${dir}`];
    const second = await run(command, args, { timeoutMs: 120_000 });
    expect(second).toEqual({
      code: 1,
      stdout: expect.stringMatching(new RegExp(`^\\S+ WARN  pglite:${dir} is locked \\(${lock}\\) by another users-server, or by one that stopped without releasing it: .*\\n$`)) as unknown,
      stderr: `users-server: cannot start: pglite:${dir} is in use by another users-server (its lock ${lock} is being refreshed): a pglite: directory serves one users-server at a time\n`,
    });
  }
  expect((await servers[1].client.list({})).users).toHaveLength(N);
});

test('pglite directory: a server whose lock is taken by another stops at once, exit 1, and leaves the new lock alone', async () => {
  const dir = path.join(root.path, 'pglite-lost');
  const lock = path.join(dir, 'users-server.lock');
  const server = await startStorageServer(`pglite:${dir}`, ['--samples=false']);
  servers.push(server);
  // Another holder's lock in its place (as one that judged it stale would make it).
  rmdirSync(lock);
  mkdirSync(lock);
  // Its next refresh (within 5 s) finds a lock it did not write.
  expect(await server.exited).toEqual({ code: 1, signal: null });
  expect(server.logLines('storage lock lost: exiting now')).toEqual([
    expect.objectContaining({ level: 'error', error: `pglite:${dir}: lost its lock ${lock} (someone else changed it): another users-server may be using the directory` }),
  ]);
  expect(existsSync(lock)).toBe(true);
});

test('pglite directory: a frozen server (SIGSTOP) is replaced once its lock is stale; thawed, it writes nothing and exits 1', async () => {
  const dir = path.join(root.path, 'pglite-frozen');
  const user = (email: string) => ({ user: { id: '', age: 30, name: { first: 'Fro', last: 'Zen' }, email, phone: '', address: '' } });
  const frozen = await startStorageServer(`pglite:${dir}`, ['--samples=false']);
  servers.push(frozen);
  frozen.child.kill('SIGSTOP');
  let newcomer: StorageServer;
  try {
    // Its lock is no longer refreshed: the newcomer waits for it to go stale (30 s), then takes it over.
    newcomer = await startStorageServer(`pglite:${dir}`, ['--samples=false']);
    servers.push(newcomer);
    expect((await newcomer.client.create(user('new@x.io'))).status?.code).toBe(Status_StatusCode.SUCCESS);
  } finally {
    frozen.child.kill('SIGCONT');
  }
  // Whichever comes first, this call's lock check or its next refresh, the thawed server stops before writing.
  await expect(frozen.client.create(user('thawed@x.io'))).rejects.toThrow();
  expect(await frozen.exited).toEqual({ code: 1, signal: null });
  expect(frozen.logLines('storage lock lost: exiting now')).toEqual([
    expect.objectContaining({ error: expect.stringMatching(new RegExp(`^pglite:${dir}: (its lock ${lock(dir)} was not refreshed for \\d+ s|lost its lock ${lock(dir)} \\(someone else changed it\\))`)) as unknown }),
  ]);
  expect((await newcomer.client.list({})).users.map((found) => found.email)).toEqual(['new@x.io']);
});

test(`PostgreSQL: ${N} acknowledged creates, SIGKILL, restart: all ${N} are there`, async () => {
  const created = await createThenKill(database.url);
  expect((await emailsAfterRestart(database.url)).sort()).toEqual(created.sort());
});
