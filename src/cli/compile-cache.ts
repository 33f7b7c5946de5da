import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

// Parsing and compiling the bundles is a large part of users-cli's start-up.
// Node 22.1+ keeps compiled code between runs (module.enableCompileCache);
// Node 20 has no such thing (module.enableCompileCache is undefined there),
// so for the bundles of `dir` this does the same with V8's code cache:
// compile with the cache of the last run, and after a run without one write
// what V8 compiled (lazily compiled functions included) for the next.

interface ModuleInternals {
  _compile(content: string, filename: string): unknown;
  require(id: string): unknown;
  exports: unknown;
}
type ModuleStatics = typeof Module & {
  enableCompileCache?: (dir: string) => unknown;
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
  if (typeof modules.enableCompileCache === 'function') {
    modules.enableCompileCache(cacheDir);
    return;
  }
  const prototype = Module.prototype as unknown as ModuleInternals;
  const compile = prototype._compile;
  const toWrite: Array<{ script: vm.Script; file: string; bundle: string }> = [];
  prototype._compile = function compileWithCache(this: ModuleInternals, content: string, filename: string) {
    if (path.dirname(filename) !== bundleDir) return compile.call(this, content, filename);
    const { size, mtimeMs } = statSync(filename);
    const bundle = path.basename(filename, '.js');
    const file = path.join(cacheDir, `${bundle}@${size}-${Math.trunc(mtimeMs)}-${process.versions.v8}.bin`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(file);
    } catch {
      // No cache yet: this run writes one.
    }
    const script = new vm.Script(modules.wrap(content.replace(/^#!.*/, '')), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) toWrite.push({ script, file, bundle });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(this, modules), this, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    for (const { script, file, bundle } of toWrite) {
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        // Written aside then renamed, so that a concurrent run never reads half a file.
        const partial = `${file}.${process.pid}`;
        writeFileSync(partial, script.createCachedData());
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

function requireFor(module: ModuleInternals, modules: ModuleStatics): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  require.resolve = ((request: string, options?: unknown) => modules._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  require.cache = (Module as unknown as { _cache: NodeJS.Require['cache'] })._cache;
  require.main = process.mainModule;
  return require;
}
