import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createChannel, type Channel, type ChannelOptions } from 'nice-grpc';
import { requireServerBundle } from './prerequisites';
import { baseEnv, SERVER_BIN } from './processes';

export interface SpawnedServer {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern`; rejects if the process exits first. */
  waitForLine(pattern: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running: for cleanup after a failed test. */
  kill(): void;
}

/**
 * Runs dist/users-server.js with exactly `args` (no defaults added, unlike
 * startServerProcess), for tests about flags, log formats and signals. With
 * `launcher`, the bundle runs as the `users-server` command does, by its #!
 * line (which sets the environment it needs), rather than under this node.
 */
export function spawnServer(args: string[], env: NodeJS.ProcessEnv = {}, { launcher = false } = {}): SpawnedServer {
  const [command, commandArgs] = launcher ? [SERVER_BIN, args] : [process.execPath, [SERVER_BIN, ...args]];
  const child = spawn(command, commandArgs, { env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const check of [...waiters]) check();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  // 'close', not 'exit': by then every byte of stdout and stderr has been read.
  const exited = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForLine: (pattern) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const line = out.split('\n').find((l) => pattern.test(l));
          if (line === undefined) return;
          waiters.delete(check);
          resolve(line);
        };
        waiters.add(check);
        check();
        void exited.then(({ code, signal }) => {
          if (!waiters.has(check)) return;
          waiters.delete(check);
          reject(new Error(`users-server exited (${code ?? signal}) before printing ${pattern}; stdout:\n${out}\nstderr:\n${err}`));
        });
      }),
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * For a file of tests that start servers and talk to them: the returned
 * function spawns one on 127.0.0.1:0 (JSON logs, no metrics listener, `args`
 * added), waits for its start-up line and opens a channel to it; after each
 * test, channels are closed and servers that still run are killed.
 */
export function useSpawnedServers(): (
  args: string[],
  options?: { env?: NodeJS.ProcessEnv; launcher?: boolean; channelOptions?: ChannelOptions },
) => Promise<{ server: SpawnedServer; channel: Channel }> {
  const servers: SpawnedServer[] = [];
  const channels: Channel[] = [];
  beforeAll(() => requireServerBundle());
  afterEach(() => {
    for (const channel of channels.splice(0)) channel.close();
    for (const server of servers.splice(0)) server.kill();
  });
  return async (args, { env = {}, launcher = false, channelOptions } = {}) => {
    const server = spawnServer(['--address=127.0.0.1:0', '--metrics-address=', '--logfmt=json', ...args], env, { launcher });
    servers.push(server);
    const { port } = JSON.parse(await server.waitForLine(/users-server started/)) as { port: number };
    const channel = createChannel(`127.0.0.1:${port}`, undefined, channelOptions);
    channels.push(channel);
    return { server, channel };
  };
}
