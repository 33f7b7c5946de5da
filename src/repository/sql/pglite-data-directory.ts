import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { quote } from '../../shared/quote';
import { LOCK_NAME } from './directory-lock';

// What a directory about to become a data directory may already hold: our lock, and a volume's lost+found.
const ALLOWED_IN_NEW = new Set([LOCK_NAME, 'lost+found']);

/**
 * Refuses a directory that is neither empty nor a PostgreSQL data directory
 * (PG_VERSION), as initdb does: PGlite would initialise its cluster among
 * someone else's files.
 */
export function refuseForeignDirectory(dir: string): void {
  const entries = readdirSync(dir).filter((name) => !ALLOWED_IN_NEW.has(name));
  if (entries.length === 0 || entries.includes('PG_VERSION')) return;
  const shown = entries.sort().slice(0, 3).map((name) => quote(name)).join(', ');
  const more = entries.length > 3 ? ` and ${entries.length - 3} more` : '';
  throw new Error(`pglite:${dir}: not empty and not a PGlite data directory (no PG_VERSION; it holds ${shown}${more}): give a new or empty directory`);
}

/** Whether the directory holds no cluster yet (after refuseForeignDirectory: nothing but our lock and lost+found). */
export function holdsNoCluster(dir: string): boolean {
  return !readdirSync(dir).includes('PG_VERSION');
}

/**
 * Removes what a first start that failed (a full disk) left of the cluster it
 * was creating, our lock and lost+found aside: left half-made, with no
 * PG_VERSION yet, it would be refused as foreign by every later start.
 */
export function removeUnfinishedCluster(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!ALLOWED_IN_NEW.has(name)) rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

/**
 * Why PGlite could not open a data directory, in one line: PostgreSQL's last
 * PANIC or FATAL line (PGlite itself only says "Aborted()").
 */
export function openFailure(dir: string, error: unknown, stderr: readonly string[]): Error {
  const reported = stderr
    .map((line) => /\b(?:PANIC|FATAL):\s+(.*)$/.exec(line)?.[1])
    .filter((reason) => reason !== undefined)
    .pop();
  const reason = reported ?? pgliteErrorText(error);
  return new Error(`pglite:${dir}: cannot open the data directory: ${reason}`);
}

// Emscripten's file system throws { name: 'ErrnoError', errno } with WASI's numbers, no message.
const WASI_ERRNO: Record<number, string> = { 2: 'permission denied', 29: 'input/output error', 44: 'no such file', 51: 'no space left on device', 54: 'a part of the path is not a directory', 63: 'operation not permitted', 69: 'read-only file system' };

function pgliteErrorText(error: unknown): string {
  const { name, errno } = (error ?? {}) as { name?: unknown; errno?: unknown };
  if (name === 'ErrnoError' && typeof errno === 'number') return WASI_ERRNO[errno] ?? `file system error ${errno}`;
  return (error instanceof Error ? error.message : String(error)).replace(/\. Build with -sASSERTIONS for more info\.$/, '');
}
