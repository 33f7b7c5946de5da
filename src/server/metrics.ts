import { createServer, type Server } from 'node:http';
import type { ServerMiddleware } from 'nice-grpc';
import { prometheusServerMiddleware } from 'nice-grpc-prometheus';
import { collectDefaultMetrics, Counter, exponentialBuckets, Gauge, Histogram, Registry } from 'prom-client';
import { RepositoryUnavailableError } from '../domain/storage-errors';
import { parseHostPort } from '../shared/host-port';
import { REJECTION_REASONS, type RejectionReason } from './transport/rejected-requests';

const LABELS = ['grpc_type', 'grpc_service', 'grpc_method', 'grpc_path'] as const;
const LABELS_WITH_CODE = [...LABELS, 'grpc_code'] as const;

export interface ServerMetrics {
  registry: Registry;
  /** Counts and times every call of this server into `registry`. */
  middleware: ServerMiddleware;
  /** Counts a request refused before a handler ran (grpc_server_rejected_total). */
  countRejected(reason: RejectionReason): void;
}

/**
 * The Prometheus metrics of one server: gRPC request counts and latencies
 * (nice-grpc-prometheus, with the names and buckets of its defaults), Node
 * process metrics, and the number of stored users. The gRPC metrics are
 * created here rather than taken from nice-grpc-prometheus's module-wide
 * registry, which every server of a process would share.
 */
export function createServerMetrics(countUsers: () => Promise<number>, waitingCalls: () => number): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  let counted = false;
  new Gauge({
    name: 'users_grpc_stored_users',
    help: 'Number of users in the repository (NaN until it could be counted once).',
    registers,
    async collect() {
      try {
        this.set(await countUsers());
        counted = true;
      } catch (error) {
        // A database outage must not take every other metric down with it: the gauge keeps its last value,
        // and is NaN (unknown) if it never had one: 0 would say the store is empty.
        if (!(error instanceof RepositoryUnavailableError)) throw error;
        if (!counted) this.set(NaN);
      }
    },
  });
  new Gauge({
    name: 'users_grpc_calls_waiting_for_unread_answers',
    help: 'Calls held back, their requests not yet read, because their connection holds --max-buffered-answer-bytes, or the server --max-total-buffered-answer-bytes, of answers not yet read.',
    registers,
    collect() {
      this.set(waitingCalls());
    },
  });
  const counter = (name: string, help: string) => new Counter({ name, help, registers, labelNames: LABELS });
  const middleware = prometheusServerMiddleware({
    serverStartedMetric: counter('grpc_server_started_total', 'Total number of RPCs started on the server.'),
    serverHandledMetric: new Counter({
      name: 'grpc_server_handled_total',
      help: 'Total number of RPCs completed on the server, regardless of success or failure.',
      registers,
      labelNames: LABELS_WITH_CODE,
    }),
    serverStreamMsgReceivedMetric: counter('grpc_server_msg_received_total', 'Total number of RPC stream messages received by the server.'),
    serverStreamMsgSentMetric: counter('grpc_server_msg_sent_total', 'Total number of gRPC stream messages sent by the server.'),
    serverHandlingSecondsMetric: new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.',
      registers,
      labelNames: LABELS_WITH_CODE,
      // 1 ms, 4 ms, 16 ms, ... about an hour.
      buckets: exponentialBuckets(0.001, 4, 12),
    }),
  });
  const rejected = new Counter({
    name: 'grpc_server_rejected_total',
    help: 'Requests and connections refused or cut short, by reason: oversized, malformed, invalid UTF-8, unsupported compression, unknown method, not a gRPC content-type, HTTP/2 protocol error, failed TLS handshake, streaming call past --max-streaming-calls, connection past --max-connections, silent connection, unread answer, too many arriving requests, request timeout.',
    registers,
    labelNames: ['reason'],
  });
  // Every reason is a series from the start, so that a rate over it is never "no data".
  for (const reason of REJECTION_REASONS) rejected.inc({ reason }, 0);
  return { registry, middleware, countRejected: (reason) => rejected.inc({ reason }) };
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
