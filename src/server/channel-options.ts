// grpc-js server options (nice-grpc's createServer passes them through). Add
// connection settings here, one entry each.
import type { ChannelOptions } from 'nice-grpc';
import type { ServerConfig } from './config';

type ConnectionSettings = 'maxConnectionAgeMs' | 'maxConnectionAgeGraceMs' | 'maxConcurrentStreams' | 'maxConnectionIdleMs' | 'keepaliveTimeMs' | 'keepaliveTimeoutMs';

export function serverChannelOptions(config: Pick<ServerConfig, ConnectionSettings>): ChannelOptions {
  return {
    // Bounds on what one client may hold: calls at once on a connection, and
    // how long an idle or silent connection is kept.
    'grpc.max_concurrent_streams': config.maxConcurrentStreams,
    'grpc.max_connection_idle_ms': config.maxConnectionIdleMs,
    'grpc.keepalive_time_ms': config.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': config.keepaliveTimeoutMs,
    // A Service balances connections, not calls: closing each connection after a
    // while (GOAWAY, then a grace for calls in flight) makes clients re-resolve and
    // spread over replicas the HPA added. 0 keeps connections for ever.
    ...(config.maxConnectionAgeMs > 0 && {
      'grpc.max_connection_age_ms': config.maxConnectionAgeMs,
      'grpc.max_connection_age_grace_ms': config.maxConnectionAgeGraceMs,
    }),
  };
}
