import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CLI_BIN, ROOT, SERVER_BIN, TOOLS_BIN } from './processes';

/**
 * Process-level tests need the bundles and the Go tools. A missing or stale
 * one fails the suite with the command that makes it, rather than skipping
 * silently or testing old code.
 */

/** The server bundle, checked to be newer than every source it is built from. */
export function requireServerBundle(): string {
  return requireFreshBundle(SERVER_BIN, ['src/server', 'src/domain', 'src/repository', 'src/samples', 'src/shared', 'gen']);
}

/**
 * unshare(1) as root, to run a process in namespaces of its own: PID (and
 * /proc) by default, as a second container would be; ['-m'] for a mount
 * namespace where a test may mount a small tmpfs. Returns the command's prefix.
 */
export function requireUnshare(flags = ['-pf', '--mount-proc']): string[] {
  const prefix = ['unshare', ...flags];
  try {
    execFileSync(prefix[0], [...prefix.slice(1), 'true'], { stdio: 'ignore' });
  } catch (error) {
    throw new Error(
      `'${prefix.join(' ')} true' failed (${(error as Error).message.split('\n')[0]}): this test runs users-server in namespaces of its own ` +
        "(a second container sharing a volume, a full file system); it needs util-linux's unshare and root (as in CI)",
    );
  }
  return prefix;
}

export function requireTool(name: 'grpcurl' | 'grpc-health-probe' | 'helm'): string {
  const tool = path.join(TOOLS_BIN, name);
  if (!existsSync(tool)) throw new Error(`${tool} is missing: run 'make tools' first`);
  return tool;
}

/**
 * Builds dist/ when a bundle is missing or older than its sources, for suites
 * that run the bundles but are often run alone (`npx jest test/chart`).
 */
export function buildBundlesIfStale(): void {
  try {
    requireServerBundle();
    requireCliBundle();
  } catch {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.js')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

/** The CLI bundle, checked to be newer than every source it is built from. */
export function requireCliBundle(): string {
  return requireFreshBundle(CLI_BIN, ['src', 'gen']);
}

function requireFreshBundle(bundle: string, sourceDirs: string[]): string {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run 'make build' (or 'node scripts/build.js') first`);
  const built = statSync(bundle).mtimeMs;
  const newer = sourceDirs.flatMap((dir) => newerFiles(path.join(ROOT, dir), built));
  if (newer.length > 0) throw new Error(`${bundle} is older than ${path.relative(ROOT, newer[0])}: run 'make build' (or 'node scripts/build.js') again`);
  return bundle;
}

function newerFiles(dir: string, than: number): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return newerFiles(file, than);
    return statSync(file).mtimeMs > than ? [file] : [];
  });
}
