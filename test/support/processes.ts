import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const SERVER_BIN = path.join(ROOT, 'dist/users-server.js');
export const CLI_BIN = path.join(ROOT, 'dist/users-cli.js');
export const TOOLS_BIN = path.join(ROOT, '.tools/bin');
export const BUF_BIN = path.join(ROOT, 'node_modules/.bin/buf');

/** A clean environment: no colour forcing, no config from the developer's shell. */
export function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...extra };
  return env;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  metricsPort?: number;
  address: string;
  /** Everything the server wrote to stdout so far. */
  output(): string;
  /** Resolves on the first output line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts dist/users-server.js on a free port (127.0.0.1:0, JSON logs) and
 * resolves once its start-up line says which port it bound. A server that does
 * not say so within `startTimeoutMs` (loading a large samples file takes
 * seconds on a busy machine) is killed, so that no test leaves one behind.
 */
export async function startServerProcess(args: string[] = [], env: NodeJS.ProcessEnv = {}, startTimeoutMs = 10_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVER_BIN, '--address=127.0.0.1:0', '--metrics-address=', '--logfmt=json', ...args], {
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const waiter of [...waiters]) {
      const line = out.split('\n').find((l) => waiter.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  // 'close', not 'exit': by then every byte of stdout has been read, so a test
  // that counts log lines after the exit sees the last ones too.
  const exited = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));

  const waitForLine = (pattern: RegExp, timeoutMs = 10_000) =>
    new Promise<string>((resolve, reject) => {
      const existing = out.split('\n').find((l) => pattern.test(l));
      if (existing !== undefined) return resolve(existing);
      const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
      waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      void exited.then(() => reject(new Error(`server exited before printing ${pattern}; stdout:\n${out}\nstderr:\n${err}`)));
    });

  let startLine: string;
  try {
    startLine = await waitForLine(/users-server started/, startTimeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  const started = JSON.parse(startLine) as { port: number; metrics: string };
  const metricsPort = /:(\d+)$/.exec(started.metrics)?.[1];
  return {
    child,
    port: started.port,
    metricsPort: metricsPort ? Number(metricsPort) : undefined,
    address: `127.0.0.1:${started.port}`,
    output: () => out,
    waitForLine,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (bounded by timeoutMs) and captures its output. */
export async function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  const child = spawn(command, args, { env: baseEnv(options.env), cwd: options.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  // A command that exits without reading its input (grpc-health-probe) makes the write fail with EPIPE: that is no error of the test's.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Runs dist/users-cli.js with the given arguments. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(process.execPath, [CLI_BIN, ...args], options);
}
