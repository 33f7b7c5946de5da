import type { ServerHttp2Stream } from 'node:http2';
import type { Server as NetServer } from 'node:net';

export interface ReleaseLimits {
  /** A request message at least this large (its gRPC length prefix) is watched: no valid call sends one, every field's limit is far below. */
  largeMessageBytes: number;
  /** Collect once this much of large requests has ended and none is still open... */
  collectAfterBytes: number;
  /** ...or once this much has ended, whatever is still open. */
  collectAnywayBytes: number;
}

const DEFAULT_LIMITS: ReleaseLimits = { largeMessageBytes: 64 * 1024, collectAfterBytes: 16 * 1024 * 1024, collectAnywayBytes: 64 * 1024 * 1024 };

/**
 * Gives back the memory of large requests once their calls are over. grpc-js
 * holds a received message twice (the HTTP/2 chunks and their joined copy),
 * and V8 frees them at its next full collection, which an idle server does
 * not have: 20 refused 4 MiB queries held 80 MiB until other traffic came.
 * So a full collection runs after large requests end, at most once per
 * `collectAfterBytes` of them: its cost follows the bytes a client sent.
 * `servers` are grpc-js's HTTP/2 servers (http2-servers.ts).
 */
export function releaseLargeRequests(servers: NetServer[], collect: () => void, limits: ReleaseLimits = DEFAULT_LIMITS): void {
  let open = 0;
  let ended = 0;
  const maybeCollect = () => {
    if ((open === 0 && ended >= limits.collectAfterBytes) || ended >= limits.collectAnywayBytes) {
      ended = 0;
      collect();
    }
  };
  const watch = (stream: ServerHttp2Stream) => {
    let received = 0;
    let prefix = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (prefix.length === 5) return;
      prefix = Buffer.concat([prefix, chunk.subarray(0, 5 - prefix.length)]);
      if (prefix.length < 5) return;
      if (prefix.readUInt32BE(1) < limits.largeMessageBytes) {
        stream.off('data', onData);
        return;
      }
      open++;
      stream.once('close', () => {
        open--;
        // What was received, not what the prefix announced: a 2 GB prefix is refused before its bytes come.
        ended += received;
        setImmediate(maybeCollect);
      });
    };
    // grpc-js paused the stream before this listener is added: adding it does not set the stream flowing.
    stream.on('data', onData);
  };
  for (const server of servers) server.on('stream', watch);
}
