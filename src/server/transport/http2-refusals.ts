import type { Server as NetServer } from 'node:net';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { escape, quote } from '../../shared/quote';
import type { Rejection } from './rejected-requests';

/**
 * Reports what grpc-js refuses before any interceptor exists: it answers a
 * content-type that is not gRPC (HTTP 415) and a method no service implements
 * (UNIMPLEMENTED) from its own HTTP/2 'stream' listener, and Node reports a
 * connection that does not speak HTTP/2 as a session error. `servers` are
 * grpc-js's HTTP/2 servers (http2-servers.ts), whose listeners run first.
 */
export function watchHttp2Refusals(servers: NetServer[], onRejected: (rejection: Rejection) => void): void {
  for (const server of servers) {
    server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
      const rejection = refusalOf(stream, headers);
      if (rejection) onRejected(rejection);
    });
    server.on('sessionError', (error: Error & { code?: string }) => {
      // ERR_HTTP2_ERROR is nghttp2 refusing what the peer sent; other session errors are ours (a shutdown cancels sessions).
      if (error.code === 'ERR_HTTP2_ERROR') onRejected({ reason: 'http2_protocol_error', method: '', details: error.message });
    });
  }
}

/** What grpc-js answered a new stream with, when it refused it on the spot: its listener has run, the answer is sent. */
function refusalOf(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Rejection | undefined {
  if (!stream.headersSent) return undefined;
  const sent = stream.sentHeaders;
  const method = String(headers[':path'] ?? '');
  if (Number(sent[':status']) === 415) {
    const contentType = headers['content-type'];
    const details = contentType === undefined ? 'no content-type: expected application/grpc' : `content-type ${quote(contentType, 100)} is not application/grpc`;
    return { reason: 'unsupported_content_type', method, httpStatus: 415, details };
  }
  // A handler's status comes in trailers: in the response headers, it is grpc-js's own answer.
  if (Number(sent['grpc-status']) === GrpcStatus.UNIMPLEMENTED) {
    return { reason: 'unimplemented', method, grpcCode: 'UNIMPLEMENTED', details: `no service implements ${escape(method, 100)}` };
  }
  return undefined;
}
