import { createChannel, createClient, type Channel } from 'nice-grpc';
import { UserServiceDefinition, type UserServiceClient } from '../../gen/user/user';
import { type ServerConfig } from '../../src/server/config';
import { startUsersServer, type RunningServer } from '../../src/server/users-server';
import type { UserRepository } from '../../src/repository/user-repository';
import type { Tracing } from '../../src/shared/tracing';
import { memoryLogger } from './silent-logger';

export const TEST_SERVER_CONFIG: ServerConfig = {
  address: '127.0.0.1:0',
  logFormat: 'json',
  logLevel: 'debug',
  reflection: true,
  samples: false,
  gracePeriodMs: 5000,
  drainDelayMs: 0,
  maxConnectionAgeMs: 300_000,
  maxConnectionAgeGraceMs: 30_000,
  metricsAddress: undefined,
  databasePoolSize: 10,
  maxPageSize: 1000,
  maxResponseBytes: 3.5 * 1024 * 1024,
  maxUsers: 10_000,
  maxConcurrentStreams: 100,
  maxStreamingCalls: 1000,
  maxConnections: 1000,
  connectionSetupTimeoutMs: 20_000,
  maxArrivingRequests: 256,
  requestTimeoutMs: 10_000,
  maxTotalBufferedAnswerBytes: 32 * 1024 * 1024,
  unreadAnswerTimeoutMs: 60_000,
  maxBufferedAnswerBytes: 16 * 1024 * 1024,
  maxConnectionIdleMs: 300_000,
  keepaliveTimeMs: 120_000,
  keepaliveTimeoutMs: 20_000,
};

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
