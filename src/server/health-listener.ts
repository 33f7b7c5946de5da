import type { Server as NetServer } from 'node:net';
import { createServer, type ChannelOptions, type ServerMiddleware } from 'nice-grpc';
import type { ServerInterceptor } from '@grpc/grpc-js';
import { HealthDefinition, type HealthServiceImpl } from 'nice-grpc-server-health';
import { listenCapturingHttp2Servers } from './transport/http2-servers';
import type { Rejection } from './transport/rejected-requests';
import { refuseInvalidUtf8, withUtf8Check } from './transport/strict-utf8';

export interface HealthListener {
  port: number;
  /** grpc-js's HTTP/2 servers for it, to watch as the main port's (http2-refusals.ts, large-requests.ts). */
  http2Servers: NetServer[];
  close(): void;
}

/**
 * A plaintext listener with grpc.health.v1 only, sharing the main server's
 * health service and its bound on streaming calls (health-service.ts, streaming-calls.ts): kubelet's native gRPC probes cannot speak TLS, and this spares
 * an exec probe (a node process per probe) when the main port is TLS-only.
 * `options` are the main server's (its bounds, its rejection interceptor);
 * requests are checked for UTF-8 as there.
 */
export async function startHealthListener(
  address: string,
  health: HealthServiceImpl,
  options: ChannelOptions & { interceptors: ServerInterceptor[] },
  onRejected: (rejection: Rejection) => void,
  streamingCalls: ServerMiddleware,
): Promise<HealthListener> {
  const server = createServer(options).use(refuseInvalidUtf8(onRejected)).use(streamingCalls);
  server.add(withUtf8Check(HealthDefinition), health);
  const { port, servers } = await listenCapturingHttp2Servers(() => server.listen(address));
  return {
    port,
    http2Servers: servers,
    // Last to stop, after the main server: probes see NOT_SERVING until the end. Cuts Watch streams.
    close: () => server.forceShutdown(),
  };
}
