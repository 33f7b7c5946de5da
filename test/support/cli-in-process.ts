import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/program';
import type { RunResult } from './processes';

export interface InProcessCliOptions {
  env?: NodeJS.ProcessEnv;
  /** Where ~/.users-cli.yml is looked for; by default a directory that does not exist. */
  homeDir?: string;
  stdoutIsTTY?: boolean;
  columns?: number;
  stdin?: string;
}

/** Runs users-cli's program in this process, capturing what it writes and its exit code. */
export async function runCliInProcess(argv: string[], options: InProcessCliOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli({
    argv,
    env: options.env ?? {},
    homeDir: options.homeDir ?? path.join(tmpdir(), 'users-cli-test-no-home'),
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    columns: options.columns,
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}
