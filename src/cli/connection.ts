import net from 'node:net';
import { ChannelCredentials, createChannel, createClientFactory, type Channel, type ChannelOptions } from 'nice-grpc';
import { deadlineMiddleware } from 'nice-grpc-client-middleware-deadline';
import { HealthDefinition, healthCheckResponse_ServingStatusToJSON } from '../../gen/grpc/health/v1/health';
import { UserServiceDefinition, type UserServiceClient } from '../../gen/user/user';
import { splitHostPort } from '../shared/host-port';
import { callErrorMiddleware, userStatusMiddleware } from './call-middleware';
import type { ConnectionConfig, TlsConfig } from './settings';
import { tracingClientMiddleware } from './tracing-middleware';

// Loaded only by commands that call the server (program.ts imports it
// lazily): `version`, `help` and completion never load gRPC or TLS code.

/** The clients users-cli calls, over one channel. Calls throw CliError only. */
export interface Connection {
  users: UserServiceClient;
  /** grpc.health.v1 Check: the status name (`SERVING`, `NOT_SERVING`, ...). */
  checkHealth(service: string): Promise<string>;
  close(): void;
}

/** Opens a channel (plaintext, TLS or mTLS) whose every call has the configured deadline. */
export function openConnection(config: ConnectionConfig): Connection {
  const channel: Channel = createChannel(channelTarget(config.address), credentials(config.tls), channelOptions(config.tls));
  // Connect now, not when the first call starts: the TCP and HTTP/2 handshakes
  // (waits on the server) then overlap with setting up the clients and the call.
  channel.getConnectivityState(true);
  // The last one added runs first: call errors are mapped outside the deadline's abort,
  // and the call's span (innermost) sees gRPC's own status.
  const clients = createClientFactory().use(tracingClientMiddleware()).use(deadlineMiddleware).use(userStatusMiddleware).use(callErrorMiddleware(config));
  const callOptions = { '*': { deadline: config.timeoutMs } };
  const health = clients.create(HealthDefinition, channel, callOptions);
  return {
    users: clients.create(UserServiceDefinition, channel, callOptions),
    checkHealth: async (service) => healthCheckResponse_ServingStatusToJSON((await health.check({ service })).status),
    close: () => channel.close(),
  };
}

/**
 * An IP address needs no name resolution: grpc-js's ipv4: and ipv6: schemes
 * skip its DNS resolver, which would set up a c-ares channel (reading
 * /etc/resolv.conf) on every call. The channel's authority is the same.
 */
export function channelTarget(address: string): string {
  const host = splitHostPort(address)?.host.replace(/^\[(.*)\]$/, '$1');
  if (host === undefined) return address;
  if (net.isIPv4(host)) return `ipv4:${address}`;
  return net.isIPv6(host) ? `ipv6:${address}` : address;
}

function credentials(tls: TlsConfig | undefined): ChannelCredentials {
  if (!tls) return ChannelCredentials.createInsecure();
  return ChannelCredentials.createSsl(tls.ca ?? null, tls.clientCert?.key ?? null, tls.clientCert?.cert ?? null);
}

function channelOptions(tls: TlsConfig | undefined): ChannelOptions {
  if (!tls?.serverName) return {};
  // Verify the certificate against this name, and send it as :authority too.
  return { 'grpc.ssl_target_name_override': tls.serverName, 'grpc.default_authority': tls.serverName };
}
