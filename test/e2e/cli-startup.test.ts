import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireCliBundle, requireServerBundle } from '../support/prerequisites';
import { CLI_BIN, run, runCli, startServerProcess, type ServerProcess } from '../support/processes';
import { makeTempDir, type TempDir } from '../support/temp-dir';

// What each users-cli command loads, and the compile cache that keeps
// start-up short (timings are bench/cli-startup.js's job, not a test's).

let dir: TempDir;
let server: ServerProcess;
beforeAll(async () => {
  requireCliBundle();
  requireServerBundle();
  dir = makeTempDir('users-cli-startup-');
  // Run inside users-cli: at exit, which files and Node modules it loaded.
  dir.write(
    'record-loads.js',
    `process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADS_FILE, JSON.stringify({
      files: Object.keys(require.cache).map((file) => require('node:path').basename(file)),
      builtins: process.moduleLoadList.filter((name) => name.startsWith('NativeModule ')).map((name) => name.slice(13)),
    })));\n`,
  );
  server = await startServerProcess();
});
afterAll(async () => {
  await server.stop();
  dir.cleanup();
});

let runs = 0;
/** Runs dist/users-cli.js with an empty home; returns what it loaded. */
async function loads(args: string[]): Promise<{ files: string[]; builtins: string[] }> {
  const file = path.join(dir.path, `loads-${(runs += 1)}.json`);
  const result = await runCli(args, { env: { HOME: dir.path, LOADS_FILE: file, NODE_OPTIONS: `--require ${path.join(dir.path, 'record-loads.js')}` } });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(readFileSync(file, 'utf8'));
}

describe('each command loads only what it needs', () => {
  test.each([[['--version']], [['version', '-o', 'json']], [['--help']], [['help', 'get']], [['completion', 'bash']], [['__complete', 'bash', 'li']]])(
    '%j: no gRPC, TLS, HTTP/2 or crypto code, no YAML',
    async (args) => {
      const loaded = await loads(args);
      expect(loaded.files.filter((file) => file.startsWith('users-cli'))).toEqual(['users-cli.js', 'users-cli-main.js']);
      expect(loaded.builtins).not.toEqual(expect.arrayContaining(['http2']));
      expect(loaded.builtins).not.toEqual(expect.arrayContaining(['tls']));
      // node:crypto only for PEM files (TLS settings), which these never read.
      expect(loaded.builtins).not.toContain('crypto');
    },
  );

  test('a call loads the gRPC part; YAML only for -o yaml or a config file', async () => {
    const get = await loads(['get', 'mael.valadier@example.com', `--address=${server.address}`]);
    expect(get.files.filter((file) => file.startsWith('users-cli'))).toEqual(['users-cli.js', 'users-cli-main.js', 'users-cli-remote.js']);
    expect(get.builtins).toEqual(expect.arrayContaining(['http2', 'tls']));
    // An IP address needs no DNS resolver (grpc-js's would load Node's DNS promises API).
    expect(get.builtins).not.toContain('internal/dns/promises');
    const yaml = await loads(['get', 'mael.valadier@example.com', '-o', 'yaml', `--address=${server.address}`]);
    expect(yaml.files.filter((file) => file.startsWith('users-cli')).sort()).toEqual(['users-cli-main.js', 'users-cli-remote.js', 'users-cli-yaml.js', 'users-cli.js']);
    writeFileSync(path.join(dir.path, '.users-cli.yml'), `address: ${server.address}\n`);
    try {
      const configured = await loads(['health']);
      expect(configured.files.filter((file) => file.startsWith('users-cli')).sort()).toEqual(['users-cli-main.js', 'users-cli-remote.js', 'users-cli-yaml.js', 'users-cli.js']);
    } finally {
      rmSync(path.join(dir.path, '.users-cli.yml'));
    }
  });
});

describe('compile cache', () => {
  const cacheDir = (home: string) => path.join(home, '.cache', 'users-cli', 'compile-cache');

  test('the first run writes it, later runs use it; output is the same', async () => {
    const home = makeTempDir('users-cli-cache-home-');
    try {
      const first = await runCli(['--version'], { env: { HOME: home.path } });
      const files = readdirSync(cacheDir(home.path));
      expect(files).toEqual([expect.stringMatching(/^users-cli-main@[0-9a-f]{16}-.+\.bin$/)]);
      expect(await runCli(['--version'], { env: { HOME: home.path } })).toEqual(first);
      expect(readdirSync(cacheDir(home.path))).toEqual(files);
    } finally {
      home.cleanup();
    }
  });

  test('a run that loads more of the CLI writes a cache again, once; runs that load less keep it', async () => {
    const home = makeTempDir('users-cli-cache-home-');
    const get = ['get', 'mael.valadier@example.com', `--address=${server.address}`];
    /** Each cache file's inode (a write renames a new file into place) and size. */
    const caches = () =>
      Object.fromEntries(
        readdirSync(cacheDir(home.path)).map((file) => {
          const { ino, size } = statSync(path.join(cacheDir(home.path), file));
          return [file.replace(/@.*/, ''), { ino, size }];
        }),
      );
    try {
      const version = await runCli(['--version'], { env: { HOME: home.path } });
      const afterVersion = caches();
      const first = await runCli(get, { env: { HOME: home.path } });
      expect(first.code).toBe(0);
      const afterGet = caches();
      expect(await runCli(get, { env: { HOME: home.path } })).toEqual(first);
      expect(await runCli(['--version'], { env: { HOME: home.path } })).toEqual(version);
      expect(Object.keys(afterVersion)).toEqual(['users-cli-main']);
      expect(Object.keys(afterGet).sort()).toEqual(['users-cli-main', 'users-cli-remote']);
      // Written again by get, with the argument parsing and settings that --version does not run.
      expect(afterGet['users-cli-main'].ino).not.toBe(afterVersion['users-cli-main'].ino);
      expect(afterGet['users-cli-main'].size).toBeGreaterThan(afterVersion['users-cli-main'].size);
      // The second get and the last --version loaded no more than the get that wrote them.
      expect(caches()).toEqual(afterGet);
    } finally {
      home.cleanup();
    }
  });

  test('a damaged cache is ignored and written again', async () => {
    const home = makeTempDir('users-cli-cache-home-');
    try {
      const first = await runCli(['--version'], { env: { HOME: home.path } });
      for (const file of readdirSync(cacheDir(home.path))) writeFileSync(path.join(cacheDir(home.path), file), 'garbage');
      expect(await runCli(['--version'], { env: { HOME: home.path } })).toEqual(first);
      const [file] = readdirSync(cacheDir(home.path));
      expect(readFileSync(path.join(cacheDir(home.path), file)).length).toBeGreaterThan(1000);
    } finally {
      home.cleanup();
    }
  });

  test('a cache with one byte changed in its data is not used (release V8 would crash on it), and is written again', async () => {
    const home = makeTempDir('users-cli-cache-home-');
    try {
      const first = await runCli(['--version'], { env: { HOME: home.path } });
      const [name] = readdirSync(cacheDir(home.path));
      const file = path.join(cacheDir(home.path), name);
      const damaged = readFileSync(file);
      damaged[damaged.length - 5000] ^= 0xff;
      writeFileSync(file, damaged);
      expect(await runCli(['--version'], { env: { HOME: home.path } })).toEqual(first);
      expect(readFileSync(file).equals(damaged)).toBe(false);
      expect(await runCli(['--version'], { env: { HOME: home.path } })).toEqual(first);
    } finally {
      home.cleanup();
    }
  });

  test("another build of a bundle, of the same size and file time, never runs the first build's cache", async () => {
    const home = makeTempDir('users-cli-cache-home-');
    const copy = makeTempDir('users-cli-build-copy-');
    try {
      for (const name of readdirSync(path.dirname(CLI_BIN))) {
        if (name.endsWith('.js') || name === 'package.json') copyFileSync(path.join(path.dirname(CLI_BIN), name), path.join(copy.path, name));
      }
      const cli = (args: string[]) => run(process.execPath, [path.join(copy.path, 'users-cli.js'), ...args], { env: { HOME: home.path } });
      const version = (await cli(['--version'])).stdout;
      expect(version).toMatch(/^users-cli \d+\.\d+\.\d+ /);
      // The next build: only the version differs (same length), and npm gives both the same file time.
      const main = path.join(copy.path, 'users-cli-main.js');
      const { atime, mtime } = statSync(main);
      const current = /users-cli (\d+\.\d+\.\d+)/.exec(version)![1];
      const next = current.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
      const code = readFileSync(main, 'latin1').replace(/\/\/# bundleHash=[0-9a-f]{16}\n$/, '');
      const rebuilt = code.split(`"${current}"`).join(`"${next}"`);
      expect(rebuilt).not.toBe(code);
      writeFileSync(main, `${rebuilt}//# bundleHash=${createHash('sha256').update(rebuilt, 'latin1').digest('hex').slice(0, 16)}\n`, 'latin1');
      utimesSync(main, atime, mtime);
      expect((await cli(['--version'])).stdout).toBe(version.replace(current, next));
    } finally {
      home.cleanup();
      copy.cleanup();
    }
  });

  test("where Node has module.enableCompileCache (22.1+), users-cli keeps its own cache all the same", async () => {
    // Node's writes a module's cache before its functions are compiled: every run would compile most of the CLI again.
    const home = makeTempDir('users-cli-cache-home-');
    try {
      const marker = path.join(home.path, 'node-compile-cache-called');
      const preload = path.join(home.path, 'node22-module.js');
      writeFileSync(preload, `require('node:module').enableCompileCache = () => require('node:fs').writeFileSync(${JSON.stringify(marker)}, '');\n`);
      const env = { HOME: home.path, NODE_OPTIONS: `--require ${preload}` };
      const first = await runCli(['--version'], { env });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^users-cli \d+\.\d+\.\d+ /);
      expect(existsSync(marker)).toBe(false);
      expect(readdirSync(cacheDir(home.path))).toEqual([expect.stringMatching(/^users-cli-main@[0-9a-f]{16}-.+\.bin$/)]);
      expect(await runCli(['--version'], { env })).toEqual(first);
    } finally {
      home.cleanup();
    }
  });

  test('XDG_CACHE_HOME is honoured; NODE_DISABLE_COMPILE_CACHE turns it off', async () => {
    const home = makeTempDir('users-cli-cache-home-');
    try {
      await runCli(['--version'], { env: { HOME: home.path, XDG_CACHE_HOME: path.join(home.path, 'xdg') } });
      expect(readdirSync(path.join(home.path, 'xdg', 'users-cli', 'compile-cache')).length).toBeGreaterThan(0);
      await runCli(['--version'], { env: { HOME: home.path, NODE_DISABLE_COMPILE_CACHE: '1' } });
      expect(existsSync(cacheDir(home.path))).toBe(false);
    } finally {
      home.cleanup();
    }
  });
});
