import type { Http2Session } from 'node:http2';
import type { Server as NetServer, Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { Rejection } from './rejected-requests';

/** Marks a socket whose HTTP/2 session has its client's SETTINGS: set through the session's socket proxy, which passes it on. */
const SETTLED = Symbol('users-grpc: HTTP/2 set up');

/**
 * Bounds the connections of `servers` (grpc-js's HTTP/2 servers,
 * http2-servers.ts): an idle HTTP/2 connection holds 22 KiB (70 KiB over
 * TLS), so a client that opens connections without end would take the
 * server's memory. Past `max` open at once on one server, Node closes each new
 * connection as it arrives (its maxConnections). And a connection must send
 * HTTP/2's preface and SETTINGS within `setupTimeoutMs` (after the TLS
 * handshake, which Node bounds at 120 s): grpc-js's idle and keepalive timers
 * never close one that sent nothing (nor does closing its HTTP/2 session:
 * the socket itself is closed here), so without this a client could hold the
 * bound's worth of silent sockets for ever. Both are counted.
 */
export function boundConnections(servers: NetServer[], bounds: { max: number; setupTimeoutMs: number }, onRejected: (rejection: Rejection) => void): void {
  const { max, setupTimeoutMs } = bounds;
  for (const server of servers) {
    server.maxConnections = max;
    server.on('drop', () => onRejected({ reason: 'too_many_connections', method: '', details: `a connection past the ${max} open at once (--max-connections)` }));
    server.on('session', (session: Http2Session) => {
      session.once('remoteSettings', () => {
        (session.socket as unknown as Record<symbol, boolean>)[SETTLED] = true;
      });
    });
    // The socket HTTP/2 runs on: the TCP one, or over TLS the one its handshake made.
    server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', (socket: Socket & Record<symbol, boolean>) => {
      const timer = setTimeout(() => {
        if (socket[SETTLED] || socket.destroyed) return;
        socket.destroy();
        onRejected({ reason: 'silent_connection', method: '', details: `no HTTP/2 preface and SETTINGS within ${setupTimeoutMs} ms of connecting (--connection-setup-timeout)` });
      }, setupTimeoutMs);
      // Neither a stopping server nor a closed socket waits for it.
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    });
  }
}
