import { createChannel, createClient, type Channel } from 'nice-grpc';
import { UserServiceDefinition, type UserServiceClient } from '../../gen/user/user';
import { healthClient } from './health-client';
import { spawnServer, type SpawnedServer } from './spawned-server';

export interface StorageServer extends SpawnedServer {
  port: number;
  channel: Channel;
  client: UserServiceClient;
  health: ReturnType<typeof healthClient>;
  /** JSON log lines with this message. */
  logLines(message: string): Array<Record<string, unknown>>;
  /** SIGTERM, then closes the channel; resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts dist/users-server.js on a free port of 127.0.0.1 with `--database-url`,
 * and waits (without a time limit of its own: PGlite's start is slow on a busy
 * machine) for its start-up line.
 */
export async function startStorageServer(databaseUrl: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<StorageServer> {
  const server = spawnServer(['--address=127.0.0.1:0', '--metrics-address=', '--logfmt=json', `--database-url=${databaseUrl}`, ...args], env);
  const { port } = JSON.parse(await server.waitForLine(/"users-server started"/)) as { port: number };
  const channel = createChannel(`127.0.0.1:${port}`);
  return {
    ...server,
    port,
    channel,
    client: createClient(UserServiceDefinition, channel),
    health: healthClient(channel),
    logLines: (message) =>
      server
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.message === message),
    async stop() {
      channel.close();
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
      await server.exited;
    },
  };
}
