import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TempDir {
  path: string;
  /** Writes `contents` to `name` in the directory and returns the file's path. */
  write(name: string, contents: string): string;
  cleanup(): void;
}

/** A throw-away directory for fixture files. */
export function makeTempDir(prefix = 'users-grpc-test-'): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    path: dir,
    write(name, contents) {
      const file = path.join(dir, name);
      writeFileSync(file, contents);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
