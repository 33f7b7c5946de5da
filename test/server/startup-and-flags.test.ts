import { useOccupiedPort } from '../support/occupied-port';
import { existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { PgliteDriver } from '../../src/repository/sql/pglite-driver';
import { requireServerBundle, requireUnshare } from '../support/prerequisites';
import { ROOT, run, SERVER_BIN } from '../support/processes';
import { spawnServer, type SpawnedServer } from '../support/spawned-server';
import { makeTempDir, type TempDir } from '../support/temp-dir';

// What scripts/build.js injects when no VERSION is given.
const VERSION = process.env.VERSION || (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let dir: TempDir;
const servers: SpawnedServer[] = [];
beforeAll(() => {
  requireServerBundle();
  dir = makeTempDir();
});
afterAll(() => dir.cleanup());
afterEach(() => {
  for (const server of servers.splice(0)) server.kill();
});

function start(args: string[], env: NodeJS.ProcessEnv = {}): SpawnedServer {
  const server = spawnServer(args, env);
  servers.push(server);
  return server;
}

const runServer = (args: string[], env: NodeJS.ProcessEnv = {}) => run(process.execPath, [SERVER_BIN, ...args], { env });

describe('start-up and logs', () => {
  test('JSON logs: one JSON object per line; the start-up line has the bound address, port and version', async () => {
    const server = start(['--address=127.0.0.1:0', '--metrics-address=', '--logfmt=json']);
    const started = JSON.parse(await server.waitForLine(/users-server started/)) as Record<string, unknown>;
    const port = started.port as number;
    expect(port).toBeGreaterThan(0);
    expect(started).toEqual({
      level: 'info',
      message: 'users-server started',
      address: `127.0.0.1:${port}`,
      port,
      tls: 'off',
      metrics: 'off',
      version: VERSION,
      commit: expect.stringMatching(/^([0-9a-f]{12}|unknown)$/),
      timestamp: expect.stringMatching(ISO_TIME),
    });

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const lines = server.stdout().trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.message)).toEqual(['sample users loaded', 'users-server started', 'shutting down gracefully', 'users-server stopped']);
    expect(lines[0]).toEqual({ level: 'info', message: 'sample users loaded', count: 32, source: 'built-in sample users', timestamp: expect.stringMatching(ISO_TIME) });
    expect(lines[2]).toEqual({ level: 'info', message: 'shutting down gracefully', signal: 'SIGTERM', grace_period_ms: 10_000, timestamp: expect.stringMatching(ISO_TIME) });
    expect(server.stderr()).toBe('');
  });

  test('text logs (the default): time, level, message, then key=value fields', async () => {
    const server = start(['--address=127.0.0.1:0', '--metrics-address=127.0.0.1:0']);
    const line = await server.waitForLine(/users-server started/);
    const version = VERSION.replace(/\./g, '\\.');
    expect(line).toMatch(
      new RegExp(`^\\S+ INFO  users-server started address=127\\.0\\.0\\.1:(\\d+) port=\\1 tls=off metrics=127\\.0\\.0\\.1:(\\d+) version=${version} commit=([0-9a-f]{12}|unknown)$`),
    );
    expect(line.split(' ')[0]).toMatch(ISO_TIME);
    expect(server.stdout().split('\n')[0]).toMatch(/^\S+ INFO {2}sample users loaded count=32 source="built-in sample users"$/);
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.stdout()).toMatch(/ INFO {2}shutting down gracefully signal=SIGTERM grace_period_ms=10000\n\S+ INFO {2}users-server stopped\n$/);
  });

  test('LOG_FORMAT, ADDRESS and GRACE_PERIOD from the environment', async () => {
    const server = start(['--metrics-address='], { LOG_FORMAT: 'json', ADDRESS: '127.0.0.1:0', GRACE_PERIOD: '2s' });
    const started = JSON.parse(await server.waitForLine(/users-server started/)) as { address: string };
    expect(started.address).toMatch(/^127\.0\.0\.1:\d+$/);
    server.child.kill('SIGTERM');
    await server.exited;
    expect(server.stdout()).toContain('"grace_period_ms":2000');
  });
});

describe('a signal before anything is served: one line, and the exit code says how it ended', () => {
  // Held by a fresh lock nobody refreshes: the server waits up to 30 s for it, serving nothing.
  const lockedDirectory = (name: string) => {
    const data = path.join(dir.path, name);
    mkdirSync(path.join(data, 'users-server.lock'), { recursive: true });
    return data;
  };

  test.each<[string, string[], { code: number; message: string }]>([
    ['users-server: exit 0', [], { code: 0, message: 'stopped during start-up: nothing was served' }],
    ['users-server migrate: a migration cut short is no success', ['migrate'], { code: 143, message: 'migrate stopped before it finished' }],
  ])('SIGTERM while waiting for a pglite lock, %s; the lock is left to its holder', async (_name, command, { code, message }) => {
    const data = lockedDirectory(`signal-${command.length}`);
    const server = start([...command, '--address=127.0.0.1:0', '--metrics-address=', '--logfmt=json', `--database-url=pglite:${data}`]);
    await server.waitForLine(/is locked/);
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code, signal: null });
    const lines = server.stdout().trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-1)).toEqual({ level: 'info', message, signal: 'SIGTERM', timestamp: expect.stringMatching(ISO_TIME) });
    expect(server.stderr()).toBe('');
    expect(existsSync(path.join(data, 'users-server.lock'))).toBe(true);
  });
});

test('SIGTERM between making the pglite lock and holding it (proper-lockfile has not registered it yet): the lock goes with the process', async () => {
  const data = path.join(dir.path, 'signal-while-locking');
  const lock = path.join(data, 'users-server.lock');
  // Holds up the first write to the lock's time (proper-lockfile's probe, right after it made the lock) for 2 s.
  const hook = dir.write(
    'slow-lock-probe.js',
    `const fs = require('fs'); const utimes = fs.utimes; let held = false;
fs.utimes = function (file, atime, mtime, callback) {
  if (!held && String(file).endsWith('users-server.lock')) { held = true; return setTimeout(() => utimes.call(fs, file, atime, mtime, callback), 2000); }
  return utimes.apply(fs, arguments);
};`,
  );
  const server = start(['--address=127.0.0.1:0', '--metrics-address=', '--logfmt=json', `--database-url=pglite:${data}`], { NODE_OPTIONS: `--require ${hook}` });
  while (!existsSync(lock)) await new Promise((resolve) => setTimeout(resolve, 10));
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.stdout()).toContain('stopped during start-up: nothing was served');
  expect(existsSync(lock)).toBe(false);
});

describe('--version and --help', () => {
  test('--version and -V print the version, commit and build date, as users-cli does', async () => {
    const line = new RegExp(`^users-server ${VERSION.replace(/\./g, '\\.')} \\(commit ([0-9a-f]{12}|unknown), built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)\n$`);
    for (const flag of ['--version', '-V']) expect(await runServer([flag])).toEqual({ code: 0, stdout: expect.stringMatching(line), stderr: '' });
  });

  test('--help lists every flag with its environment variable', async () => {
    const result = await runServer(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^users-server \[flags\]\n/);
    // Words are whole: the bundle wraps help text at spaces, not mid-word.
    expect(result.stdout).toContain('\nServes the user directory over gRPC (user.UserService), with health and reflection.\n');
    for (const flag of ['--address', '--logfmt', '--log-level', '-v', '--reflection', '--tls-cert-file', '--tls-key-file', '--tls-client-ca-file', '--samples', '--samples-file', '--grace-period', '--metrics-address']) {
      expect([flag, result.stdout.includes(`${flag} `)]).toEqual([flag, true]);
    }
    for (const variable of ['ADDRESS', 'PORT', 'LOG_FORMAT', 'LOG_LEVEL', 'REFLECTION', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'TLS_CLIENT_CA_FILE', 'SAMPLES', 'GRACE_PERIOD', 'METRICS_ADDRESS']) {
      expect([variable, new RegExp(`\\b${variable}\\b`).test(result.stdout)]).toEqual([variable, true]);
    }
  });
});

describe('a bad flag or environment value: exit 2, one line on stderr naming it and what is allowed', () => {
  test.each<[string[], NodeJS.ProcessEnv, string]>([
    [['--logfmt=xml'], {}, 'invalid --logfmt "xml": allowed values are text, json'],
    [['--address=nope'], {}, 'invalid --address "nope": expected host:port, e.g. 0.0.0.0:8000'],
    [['--address=127.0.0.1:99999'], {}, 'invalid --address "127.0.0.1:99999": port 99999 is out of range (0 to 65535)'],
    [['--address=[fe80::1%nosuch0]:8000'], {}, `invalid --address "[fe80::1%nosuch0]:8000": this host has no network interface "nosuch0" (it has ${Object.keys(networkInterfaces()).join(', ')})`],
    [['--bogus'], {}, 'unknown flag --bogus (see --help)'],
    [['--log-levl=debug'], {}, 'unknown flag --log-levl (did you mean --log-level?) (see --help)'],
    [['--grace-period=soon'], {}, 'invalid --grace-period "soon": expected a duration such as 10s, 500ms or 2m'],
    // Past Node's longest timer (2^31-1 ms) a timer fires after 1 ms: the server refused every call, or stopped at once.
    [['--max-connection-age=720h'], {}, 'invalid --max-connection-age "720h": longer than 542h (grpc-js adds up to 10% to it, and a timer is at most 2^31-1 ms)'],
    [['--grace-period=1000h'], {}, 'invalid --grace-period "1000h": longer than 596h31m23.647s (2^31-1 ms, about 24.8 days: the longest timer Node.js keeps)'],
    [[], { DRAIN_DELAY: '1000h' }, 'invalid DRAIN_DELAY "1000h": longer than 596h31m23.647s (2^31-1 ms, about 24.8 days: the longest timer Node.js keeps)'],
    [['--log-level=loud'], {}, 'invalid --log-level "loud": allowed values are error, warn, info, debug'],
    [['--samples=maybe'], {}, 'invalid --samples "maybe": expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)'],
    [['--reflection=maybe'], {}, 'invalid --reflection "maybe": expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)'],
    [['--metrics-address=9402'], {}, 'invalid --metrics-address "9402": expected host:port, e.g. 0.0.0.0:8000'],
    [[], { LOG_FORMAT: 'xml' }, 'invalid LOG_FORMAT "xml": allowed values are text, json'],
    [[], { PORT: 'http' }, 'invalid PORT "http": expected a port number from 0 to 65535'],
    [[], { SAMPLES: 'perhaps' }, 'invalid SAMPLES "perhaps": expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)'],
  ])('%j %j', async (args, env, message) => {
    expect(await runServer(args, env)).toEqual({ code: 2, stdout: '', stderr: `users-server: ${message}\n` });
  });

  test('only --tls-cert-file', async () => {
    const cert = dir.write('only.crt', '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    expect(await runServer([`--tls-cert-file=${cert}`])).toEqual({ code: 2, stdout: '', stderr: 'users-server: --tls-cert-file needs --tls-key-file too\n' });
  });

  test('a TLS file that does not exist (the certificate is read first): exit 1, a resource unusable at start', async () => {
    const missingCert = path.join(dir.path, 'missing.crt');
    const missingKey = path.join(dir.path, 'missing.key');
    expect(await runServer([`--tls-cert-file=${missingCert}`, `--tls-key-file=${missingKey}`])).toEqual({
      code: 1,
      stdout: '',
      stderr: `users-server: invalid --tls-cert-file "${missingCert}": no such file\n`,
    });
  });
});

describe('cannot start: exit 1, one line on stderr', () => {
  const busy = useOccupiedPort();

  test('the gRPC address is in use: the line names --address and the address', async () => {
    expect(await runServer([`--address=127.0.0.1:${busy.port}`, '--metrics-address=', '--samples=false'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `users-server: cannot listen on --address 127.0.0.1:${busy.port}: address already in use\n`,
    });
  });

  test('the health address is in use: the line names --health-address and the address', async () => {
    expect(await runServer(['--address=127.0.0.1:0', '--metrics-address=', `--health-address=127.0.0.1:${busy.port}`, '--samples=false'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `users-server: cannot listen on --health-address 127.0.0.1:${busy.port}: address already in use\n`,
    });
  });

  test('an address this host does not have', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never a local address.
    expect(await runServer(['--address=127.0.0.1:0', '--metrics-address=192.0.2.1:0', '--samples=false'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'users-server: cannot listen on --metrics-address 192.0.2.1:0: not an address of this host\n',
    });
  });

  test("GRPC_VERBOSITY=ERROR brings grpc-js's own error line back, for debugging", async () => {
    const result = await runServer([`--address=127.0.0.1:${busy.port}`, '--metrics-address=', '--samples=false'], { GRPC_VERBOSITY: 'ERROR' });
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n');
    expect(lines.some((line) => /^E .*No address added out of total 1 resolved$/.test(line))).toBe(true);
    expect(lines).toContain(`users-server: cannot listen on --address 127.0.0.1:${busy.port}: address already in use`);
  });

  // pglite:/proc/nope used to hang forever (Node's recursive mkdir loops under /proc).
  test.each([
    ['pglite:/proc/nope', 'no such file or directory'],
    ['pglite:/proc/self/status/db', 'a part of the path is not a directory'],
  ])('--database-url=%s is a directory that cannot be created', async (url, reason) => {
    expect(await runServer(['--address=127.0.0.1:0', '--metrics-address=', `--database-url=${url}`])).toEqual({
      code: 1,
      stdout: '',
      stderr: `users-server: cannot start: ${url}: cannot create the directory (${reason})\n`,
    });
  });

  test('--database-url=pglite:DIR where DIR holds other files (not a data directory): refused, left as it was', async () => {
    const unrelated = path.join(dir.path, 'unrelated');
    mkdirSync(unrelated);
    writeFileSync(path.join(unrelated, 'important.txt'), 'hello\n');
    expect(await runServer(['--address=127.0.0.1:0', '--metrics-address=', `--database-url=pglite:${unrelated}`])).toEqual({
      code: 1,
      stdout: '',
      stderr: `users-server: cannot start: pglite:${unrelated}: not empty and not a PGlite data directory (no PG_VERSION; it holds "important.txt"): give a new or empty directory\n`,
    });
    expect(readdirSync(unrelated)).toEqual(['important.txt']);
  });

  test('--database-url=pglite:FILE names the file in the way', async () => {
    const file = dir.write('a-file', '');
    expect(await runServer(['--address=127.0.0.1:0', '--metrics-address=', `--database-url=pglite:${file}`])).toEqual({
      code: 1,
      stdout: '',
      stderr: `users-server: cannot start: pglite:${file}: cannot create the directory (a file of that name is in the way)\n`,
    });
  });

  test("a damaged pglite: data directory is named with PostgreSQL's reason, not PGlite's 'Aborted()'", async () => {
    const damaged = path.join(dir.path, 'damaged');
    await (await PgliteDriver.open(damaged)).close();
    truncateSync(path.join(damaged, 'global', 'pg_control'), 100);
    expect(await runServer(['--address=127.0.0.1:0', '--metrics-address=', `--database-url=pglite:${damaged}`])).toEqual({
      code: 1,
      stdout: '',
      stderr: `users-server: cannot start: pglite:${damaged}: cannot open the data directory: could not read file "global/pg_control": read 100 of 296\n`,
    });
    // Its lock is released.
    expect(existsSync(path.join(damaged, 'users-server.lock'))).toBe(false);
  });

  // A tmpfs of 2 inodes has room for DIR and nothing else; of 3, for the lock too, but not PostgreSQL's files.
  test.each([
    [2, 'cannot create its lock DIR/users-server.lock (no space left on device)'],
    [3, 'cannot open the data directory: no space left on device'],
  ])('a full file system (%i inodes): one line, and nothing left behind in DIR', async (inodes, reason) => {
    const mount = path.join(dir.path, `full-${inodes}`);
    mkdirSync(mount);
    const db = path.join(mount, 'db');
    const script = `mount -t tmpfs -o size=1m,nr_inodes=${inodes} none "$1" && mkdir "$1/db" && "$2" "$3" --address=127.0.0.1:0 --metrics-address= --database-url=pglite:"$1/db"; code=$?; ls -A "$1/db"; exit $code`;
    const [command, ...args] = [...requireUnshare(['-m']), 'sh', '-c', script, 'sh', mount, process.execPath, SERVER_BIN];
    expect(await run(command, args)).toEqual({ code: 1, stdout: '', stderr: `users-server: cannot start: pglite:${db}: ${reason.replace('DIR', db)}\n` });
  });

  test('a first start that runs out of space midway leaves no half-made cluster, which every later start would refuse as foreign', async () => {
    const mount = path.join(dir.path, 'full-midway');
    mkdirSync(mount);
    const db = path.join(mount, 'db');
    // 1 MiB: PostgreSQL's first directories fit, its cluster does not.
    const script = `mount -t tmpfs -o size=1m none "$1" && mkdir "$1/db" && "$2" "$3" --address=127.0.0.1:0 --metrics-address= --database-url=pglite:"$1/db"; code=$?; ls -A "$1/db"; exit $code`;
    const [command, ...args] = [...requireUnshare(['-m']), 'sh', '-c', script, 'sh', mount, process.execPath, SERVER_BIN];
    expect(await run(command, args)).toEqual({ code: 1, stdout: '', stderr: `users-server: cannot start: pglite:${db}: cannot open the data directory: no space left on device\n` });
  });

  test('the metrics address is in use (a second server with the default 9402, here a busy port): the line names --metrics-address and the address', async () => {
    expect(await runServer(['--address=127.0.0.1:0', `--metrics-address=127.0.0.1:${busy.port}`, '--samples=false'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `users-server: cannot listen on --metrics-address 127.0.0.1:${busy.port}: address already in use\n`,
    });
  });
});
