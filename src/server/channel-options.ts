// grpc-js server options (nice-grpc's createServer passes them through). Add
// connection settings here, one entry each.
import type { ChannelOptions } from 'nice-grpc';
import type { ServerConfig } from './config';

export function serverChannelOptions(config: Pick<ServerConfig, 'maxConnectionAgeMs' | 'maxConnectionAgeGraceMs'>): ChannelOptions {
  return {
    // A Service balances connections, not calls: closing each connection after a
    // while (GOAWAY, then a grace for calls in flight) makes clients re-resolve and
    // spread over replicas the HPA added. 0 keeps connections for ever.
    ...(config.maxConnectionAgeMs > 0 && {
      'grpc.max_connection_age_ms': config.maxConnectionAgeMs,
      'grpc.max_connection_age_grace_ms': config.maxConnectionAgeGraceMs,
    }),
  };
}
