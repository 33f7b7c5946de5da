import { createChannel, createClient, type Channel } from 'nice-grpc';
import { UserServiceDefinition, type UserServiceClient } from '../../gen/user/user';
import { parseServerConfig, type ServerConfig } from '../../src/server/config';
import { startUsersServer, type RunningServer } from '../../src/server/users-server';
import type { UserRepository } from '../../src/repository/user-repository';
import type { Tracing } from '../../src/shared/tracing';
import { memoryLogger } from './silent-logger';

/** The defaults, as users-server reads them, for a test: a free port, no samples, no metrics listener, a shorter grace period. */
export const TEST_SERVER_CONFIG: ServerConfig = parseServerConfig(
  ['--address=127.0.0.1:0', '--logfmt=json', '--log-level=debug', '--samples=false', '--metrics-address=', '--grace-period=5s'],
  {},
);

export interface InProcessServer {
  server: RunningServer;
  address: string;
  channel: Channel;
  client: UserServiceClient;
  logger: ReturnType<typeof memoryLogger>;
  stop(): Promise<void>;
}

/** Starts users-server in this process on a free port, with a real nice-grpc client. */
export async function startInProcessServer(overrides: Partial<ServerConfig> = {}, repository?: UserRepository, tracing?: Tracing): Promise<InProcessServer> {
  const logger = memoryLogger();
  const server = await startUsersServer({ ...TEST_SERVER_CONFIG, ...overrides }, logger, repository, tracing);
  const address = `127.0.0.1:${server.port}`;
  const channel = createChannel(address);
  return {
    server,
    address,
    channel,
    client: createClient(UserServiceDefinition, channel),
    logger,
    async stop() {
      channel.close();
      await server.shutdown();
    },
  };
}
