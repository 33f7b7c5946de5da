import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

// Parsing and compiling the bundles is a large part of users-cli's start-up,
// so for the bundles of `dir` this keeps V8's code cache between runs: compile
// with the cache of the last run, and after a run without one write what V8
// compiled (lazily compiled functions included) for the next.
//
// Not Node's module.enableCompileCache (22.1+), though it does the same in
// name: it writes a module's cache as soon as the module is compiled, before
// V8 compiles its functions (lazily, as they first run), so every run compiles
// most of the CLI again. Measured with `get` against node -e 0, 30 interleaved
// runs: 4.44x with it against 3.07x with this cache on Node 22.23.3, 3.99x
// against 2.93x on Node 24.9.0. This cache serves every Node version.
//
// A cache holds only the functions that its run compiled: one written by
// `--version` lacks the argument parsing and settings that `get` runs, which
// `get` would then compile on every call. So each cache records how much of
// the CLI its run loaded (the bytes of the bundles it compiled), and a run that
// loaded more (a call to the server after `--version`) writes it again. That
// happens a few times in a build's life, not on every run.

// A cache is keyed by the build's hash of the bundle (scripts/build.js ends
// each bundle with it), not by its size and time: npm gives every installed
// file the same time, and a release that only changes the version keeps the
// size, so that key would feed one build's code to the next. V8 itself checks
// only the source's length, and release V8 no checksum of its data, where
// one damaged byte is a crash: so each cache carries a CRC-32 of its data.

/** Cache files start with this, then the run's coverage and the data's CRC-32 (uint32 LE each), then V8's data. */
const MAGIC = Buffer.from('ucc2');
const HEADER_BYTES = MAGIC.length + 8;
/** The line scripts/build.js ends each bundle users-cli loads with. */
const BUNDLE_HASH = /\/\/# bundleHash=([0-9a-f]{16})\n$/;

interface ModuleInternals {
  _compile(content: string, filename: string): unknown;
  _extensions: Record<string, (module: ModuleInternals, filename: string) => void>;
  require(id: string): unknown;
  exports: unknown;
}
type ModuleStatics = typeof Module & {
  wrap(script: string): string;
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
};

/** $XDG_CACHE_HOME/users-cli, else ~/.cache/users-cli, else a per-user directory in the temporary one. */
export function compileCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'users-cli');
  const home = env.HOME ?? homedir();
  return home ? path.join(home, '.cache', 'users-cli') : path.join(tmpdir(), `users-cli-${process.getuid?.() ?? 'user'}`);
}

/** Caches compiled code of the files in `bundleDir`; off with NODE_DISABLE_COMPILE_CACHE, as Node's own. */
export function enableCompileCache(bundleDir: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_DISABLE_COMPILE_CACHE) return;
  const cacheDir = path.join(compileCacheDir(env), 'compile-cache');
  const modules = Module as ModuleStatics;
  // The bundles are ASCII (esbuild escapes the rest, scripts/build.js checks it):
  // read as latin1, which spares decoding ~700 kB as UTF-8 on every run.
  const extensions = (Module as unknown as ModuleInternals)._extensions;
  const loadJs = extensions['.js'];
  extensions['.js'] = function loadBundle(module: ModuleInternals, filename: string) {
    if (path.dirname(filename) !== bundleDir) return loadJs.call(this, module, filename);
    module._compile(readFileSync(filename, 'latin1'), filename);
  };
  const prototype = Module.prototype as unknown as ModuleInternals;
  const compile = prototype._compile;
  const compiled: Array<{ script: vm.Script; file: string; bundle: string; cachedCoverage: number }> = [];
  let coverage = 0;
  prototype._compile = function compileWithCache(this: ModuleInternals, content: string, filename: string) {
    const hash = BUNDLE_HASH.exec(content.slice(-40))?.[1];
    // Not one of ours, or a bundle without its build's hash: no cache could be trusted for it.
    if (path.dirname(filename) !== bundleDir || hash === undefined) return compile.call(this, content, filename);
    coverage += content.length;
    const bundle = path.basename(filename, '.js');
    const file = path.join(cacheDir, `${bundle}@${hash}-${process.versions.v8}.bin`);
    const cache = readCache(file);
    const script = new vm.Script(modules.wrap(content.replace(/^#!.*/, '')), { filename, cachedData: cache?.data });
    // No cache, or one V8 refused (another Node, damaged): written again whatever the coverage.
    compiled.push({ script, file, bundle, cachedCoverage: cache && !script.cachedDataRejected ? cache.coverage : -1 });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(this, modules), this, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    for (const { script, file, bundle, cachedCoverage } of compiled) {
      if (cachedCoverage >= coverage) continue;
      try {
        // A run that ended meanwhile may have written a fuller one (a `get` beside this `--version`).
        if ((readCache(file)?.coverage ?? -1) >= coverage) continue;
        mkdirSync(path.dirname(file), { recursive: true });
        const data = script.createCachedData();
        const header = Buffer.alloc(HEADER_BYTES);
        MAGIC.copy(header);
        header.writeUInt32LE(Math.min(coverage, 0xffffffff), MAGIC.length);
        header.writeUInt32LE(crc32(data), MAGIC.length + 4);
        // Written aside then renamed, so that a concurrent run never reads half a file.
        const partial = `${file}.${process.pid}`;
        writeFileSync(partial, Buffer.concat([header, data]));
        renameSync(partial, file);
        // Caches of earlier builds of this bundle are of no more use.
        for (const old of readdirSync(cacheDir)) {
          if (old.startsWith(`${bundle}@`) && old !== path.basename(file)) rmSync(path.join(cacheDir, old), { force: true });
        }
      } catch {
        // A read-only home, a full disk: the next run compiles again, that is all.
      }
    }
  });
}

/** The cache file's V8 data and the coverage of the run that wrote it; undefined when there is none, it is not ours, or it is damaged. */
function readCache(file: string): { data: Buffer; coverage: number } | undefined {
  let contents: Buffer;
  try {
    contents = readFileSync(file);
  } catch {
    return undefined; // No cache yet: this run writes one.
  }
  if (contents.length <= HEADER_BYTES || !contents.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = contents.subarray(HEADER_BYTES);
  if (crc32(data) !== contents.readUInt32LE(MAGIC.length + 4)) return undefined;
  return { data, coverage: contents.readUInt32LE(MAGIC.length) };
}

/** zlib's CRC-32 (native; Node 20.15+), loaded when a cache is read or written: version and help load no zlib otherwise. */
function crc32(data: Buffer): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:zlib') as typeof import('node:zlib')).crc32(data);
}

function requireFor(module: ModuleInternals, modules: ModuleStatics): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  require.resolve = ((request: string, options?: unknown) => modules._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  require.cache = (Module as unknown as { _cache: NodeJS.Require['cache'] })._cache;
  require.main = process.mainModule;
  return require;
}
