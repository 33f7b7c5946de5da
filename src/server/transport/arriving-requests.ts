import { constants as http2Constants, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Server as NetServer } from 'node:net';

export interface ArrivingRequestLimits {
  /** Calls whose request is still arriving, on the whole server; past it the one waiting longest is cancelled. */
  maxArriving: number;
  /** A request not wholly arrived this long after its call began is cancelled. */
  timeoutMs: number;
  /** Calls whose request stays open by design (reflection streams its requests): neither counted nor timed. */
  streamsRequests(path: string): boolean;
}

export type ArrivingRefusal = 'too_many_arriving_requests' | 'request_timeout';

/**
 * Bounds the requests still arriving. Each holds up to one HTTP/2 window (64
 * KiB) until its client sends the rest, which a client may never do: 80
 * connections of 100 half-sent requests each took the server from 70 to 645
 * MB, and the large-request bound (large-requests.ts) is per message, the
 * streams bound per connection. So, on the whole server:
 * - past `maxArriving` calls still receiving their request, the one that has
 *   waited longest is cancelled (RST_STREAM CANCEL) to make room: a request
 *   arrives in milliseconds, so stalled ones go first, and a client that
 *   stalls many cannot keep the others out (refusing new calls instead would);
 * - a request not wholly arrived `timeoutMs` after its call began is cancelled;
 * - `collect` runs each time `collectEvery` calls were cut short so: V8 frees
 *   what they held at its next full collection only.
 * `servers` are grpc-js's HTTP/2 servers (http2-servers.ts); their listeners
 * run first, and grpc-js reads each request as it arrives ('end' once it is in).
 */
export function boundArrivingRequests(
  servers: NetServer[],
  limits: ArrivingRequestLimits,
  onCut: (reason: ArrivingRefusal, method: string, details: string) => void,
  collect: () => void,
  collectEvery = 1000,
): void {
  // Oldest first (a Map keeps insertion order).
  const arriving = new Map<ServerHttp2Stream, string>();
  let cut = 0;
  const cutShort = (stream: ServerHttp2Stream, reason: ArrivingRefusal, details: string) => {
    const method = arriving.get(stream)!;
    arriving.delete(stream);
    stream.close(http2Constants.NGHTTP2_CANCEL);
    onCut(reason, method, details);
    // Once the calls' objects are let go, after this turn.
    if (++cut % collectEvery === 0) setImmediate(collect);
  };
  for (const server of servers) {
    server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
      const method = String(headers[':path']);
      if (stream.readableEnded || stream.destroyed || limits.streamsRequests(method)) return;
      if (arriving.size >= limits.maxArriving) {
        // Calls whose request is in, read or not yet (one paused while it waits for answer room), are not arriving.
        for (const [older] of arriving) {
          if (!requestIn(older)) break;
          arriving.delete(older);
        }
        const [oldest] = arriving.keys();
        if (oldest !== undefined && arriving.size >= limits.maxArriving) {
          cutShort(oldest, 'too_many_arriving_requests', `the longest waiting of ${limits.maxArriving} calls still receiving their request (--max-arriving-requests)`);
        }
      }
      arriving.set(stream, method);
      const timer = setTimeout(() => {
        if (!arriving.has(stream)) return;
        if (requestIn(stream)) arriving.delete(stream);
        else cutShort(stream, 'request_timeout', `request not received within ${limits.timeoutMs} ms (--request-timeout)`);
      }, limits.timeoutMs);
      timer.unref();
      const arrived = () => {
        arriving.delete(stream);
        clearTimeout(timer);
      };
      stream.once('end', arrived);
      stream.once('close', arrived);
    });
  }
}

/** Whether the client has sent all of its request (END_STREAM), whether or not it has been read: a paused stream emits no 'end'. */
export function requestIn(stream: ServerHttp2Stream): boolean {
  return stream.state?.remoteClose === 1;
}
