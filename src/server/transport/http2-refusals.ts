import type { Server as NetServer } from 'node:net';
import { Server as TlsServer, type TLSSocket } from 'node:tls';
import { constants, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { escape, quote } from '../../shared/quote';
import type { Rejection } from './rejected-requests';

/**
 * Reports what grpc-js refuses before any interceptor exists: it answers a
 * content-type that is not gRPC (HTTP 415) and a method no service implements
 * (UNIMPLEMENTED) from its own HTTP/2 'stream' listener, and Node reports a
 * connection that does not speak HTTP/2 as a session error, or over TLS as an
 * unknown protocol, and a failed TLS handshake as a client error. `servers` are
 * grpc-js's HTTP/2 servers (http2-servers.ts), whose listeners run first.
 */
export function watchHttp2Refusals(servers: NetServer[], onRejected: (rejection: Rejection) => void): void {
  // The calls of each connection that ended, and those cut short by its failure.
  const calls = new WeakMap<Http2Session, { ended: number; cut: number }>();
  for (const server of servers) {
    server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
      const rejection = refusalOf(stream, headers);
      if (rejection) onRejected(rejection);
    });
    server.on('stream', (stream: ServerHttp2Stream) => {
      const session = stream.session!;
      if (!calls.has(session)) calls.set(session, { ended: 0, cut: 0 });
      // A call that ended: answered (or cancelled by its client), or cut short when its connection failed.
      stream.once('close', () => {
        const counts = calls.get(session)!;
        if (stream.rstCode === constants.NGHTTP2_NO_ERROR || stream.rstCode === constants.NGHTTP2_CANCEL) counts.ended += 1;
        else counts.cut += 1;
      });
    });
    server.on('sessionError', (error: Error & { code?: string }, session: Http2Session) => {
      // ERR_HTTP2_ERROR is nghttp2 refusing what the peer sent; other session errors are ours (a shutdown cancels sessions).
      if (error.code !== 'ERR_HTTP2_ERROR') return;
      // A client closing after its calls all ended: grpc-go (grpc-health-probe, kubelet's gRPC probes, the Go CLI)
      // sends a GOAWAY naming its own last stream, which nghttp2 refuses as a protocol error. Nothing was refused.
      const counts = calls.get(session);
      if (counts && counts.ended > 0 && counts.cut === 0) return;
      onRejected({ reason: 'http2_protocol_error', method: '', details: error.message });
    });
    if (!(server instanceof TlsServer)) continue;
    // A TLS client that negotiated no protocol (ALPN) at all: not HTTP/2. Without a listener, Node answers
    // a 403 in HTTP/1.0 and destroys the socket after unknownProtocolTimeout; with one, ending it is ours.
    server.on('unknownProtocol', (socket: TLSSocket) => {
      socket.destroy();
      onRejected({ reason: 'http2_protocol_error', method: '', details: `a TLS connection without HTTP/2 (ALPN: ${alpnOf(socket)})` });
    });
    server.on('tlsClientError', (error: TlsError, socket: TLSSocket) => {
      const rejection = tlsHandshakeRefusal(error, socket);
      if (rejection) onRejected(rejection);
    });
  }
}

type TlsError = Error & { code?: string; reason?: string };

/**
 * A failed TLS handshake that is worth counting: one TLS itself refused
 * (OpenSSL's ERR_SSL_* codes: bytes that are not TLS, an HTTP request, no h2
 * in ALPN, an alert from a client that does not trust our certificate, a
 * missing client certificate), a handshake that took too long, or a client
 * certificate Node refused after it (mTLS: `authorizationError` is set, and
 * Node closes the socket, which then reads as a hang-up). A client that just
 * hangs up (ECONNRESET, `socket hang up`: a TCP probe, a client giving up)
 * is not refused by anyone, and is not counted.
 */
export function tlsHandshakeRefusal(error: TlsError, socket: Pick<TLSSocket, 'authorizationError'>): Rejection | undefined {
  const refused = (errorCode: string, details: string): Rejection => ({ reason: 'tls_handshake_failed', method: '', errorCode, details: escape(details, 200) });
  // Typed as an Error, but Node sets the verification error's code (a string).
  const authorizationError = socket.authorizationError as unknown;
  if (authorizationError) return refused(String(authorizationError), 'client certificate refused');
  const code = error.code ?? '';
  if (code.startsWith('ERR_SSL_')) return refused(code, error.reason ?? error.message);
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return refused(code, error.message);
  return undefined;
}

function alpnOf(socket: TLSSocket): string {
  return typeof socket.alpnProtocol === 'string' ? quote(socket.alpnProtocol, 100) : 'none';
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
