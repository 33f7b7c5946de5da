import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CLI_BIN, ROOT, SERVER_BIN, TOOLS_BIN } from './processes';

/**
 * Process-level tests need the bundles and the Go tools. A missing one fails
 * the suite with the command that makes it, rather than skipping silently.
 */
export function requireServerBundle(): string {
  if (!existsSync(SERVER_BIN)) throw new Error(`${SERVER_BIN} is missing: run 'make build' (or 'node scripts/build.js') first`);
  return SERVER_BIN;
}

export function requireTool(name: 'grpcurl' | 'grpc-health-probe' | 'helm'): string {
  const tool = path.join(TOOLS_BIN, name);
  if (!existsSync(tool)) throw new Error(`${tool} is missing: run 'make tools' first`);
  return tool;
}

/** The CLI bundle, checked to be newer than every source it is built from. */
export function requireCliBundle(): string {
  if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing: run 'make build' (or 'node scripts/build.js') first`);
  const built = statSync(CLI_BIN).mtimeMs;
  const newer = ['src', 'gen'].flatMap((dir) => newerFiles(path.join(ROOT, dir), built));
  if (newer.length > 0) throw new Error(`${CLI_BIN} is older than ${path.relative(ROOT, newer[0])}: run 'make build' (or 'node scripts/build.js') again`);
  return CLI_BIN;
}

function newerFiles(dir: string, than: number): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return newerFiles(file, than);
    return statSync(file).mtimeMs > than ? [file] : [];
  });
}
