import { createServer, type Server } from 'node:http';
import { registry as grpcRegistry } from 'nice-grpc-prometheus';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { parseHostPort } from '../shared/host-port';

/**
 * The Prometheus registry of one server: gRPC request counts and latencies
 * (nice-grpc-prometheus), Node process metrics, and the number of stored users.
 */
export function createMetricsRegistry(countUsers: () => Promise<number>): Registry {
  const own = new Registry();
  collectDefaultMetrics({ register: own });
  new Gauge({
    name: 'users_grpc_stored_users',
    help: 'Number of users in the repository.',
    registers: [own],
    async collect() {
      this.set(await countUsers());
    },
  });
  return Registry.merge([own, grpcRegistry]);
}

/** Serves GET /metrics; resolves with the bound port once listening. */
export async function startMetricsListener(address: string, registry: Registry): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  const { host, port } = parseHostPort(address)!;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host.replace(/^\[|\]$/g, ''), () => resolve());
  });
  const bound = server.address();
  return {
    port: typeof bound === 'object' && bound ? bound.port : port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
