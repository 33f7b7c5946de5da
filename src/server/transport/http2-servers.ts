import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Server as NetServer } from 'node:net';

// Node's documented channel, published as each net server (grpc-js's HTTP/2 servers too) starts listening.
const LISTEN_CHANNEL = 'tracing:net.server.listen:asyncEnd';

/**
 * Runs `listen` (nice-grpc's server.listen) and answers the port it bound with
 * the HTTP/2 servers grpc-js started for it. nice-grpc keeps the grpc-js
 * server to itself: its HTTP/2 servers are the ones that started listening,
 * meanwhile, on that port. Listeners added to them run after grpc-js's own.
 */
export async function listenCapturingHttp2Servers(listen: () => Promise<number>): Promise<{ port: number; servers: NetServer[] }> {
  const started: NetServer[] = [];
  const onListening = (message: unknown) => started.push((message as { server: NetServer }).server);
  subscribe(LISTEN_CHANNEL, onListening);
  let port: number;
  try {
    port = await listen();
  } finally {
    unsubscribe(LISTEN_CHANNEL, onListening);
  }
  const servers = started.filter((server) => {
    const address = server.address();
    return typeof address === 'object' && address?.port === port;
  });
  return { port, servers };
}
