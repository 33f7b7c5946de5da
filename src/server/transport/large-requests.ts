import type { ServerHttp2Stream } from 'node:http2';
import type { Server as NetServer } from 'node:net';

export interface LargeRequestLimits {
  /** A request message at least this large (by its gRPC length prefix) is large: no valid call sends one, every field's limit is far below. */
  largeMessageBytes: number;
  /** Large messages received at once; the streams of the others wait, paused. */
  receivingAtOnce: number;
  /** A full collection runs each time this much of large requests has ended. */
  collectEveryBytes: number;
}

const DEFAULT_LIMITS: LargeRequestLimits = { largeMessageBytes: 64 * 1024, receivingAtOnce: 2, collectEveryBytes: 16 * 1024 * 1024 };

/**
 * Bounds the memory that large requests take, while they arrive and after.
 * grpc-js holds a message it receives twice (the HTTP/2 chunks, then their
 * joined copy), so 20 queries of 4 MiB at once weighed 160 MiB at their peak.
 * - Only `receivingAtOnce` large messages are received at a time: the stream
 *   of another one is paused after its first chunk, so that HTTP/2 flow
 *   control stops its client after one window (64 KiB), and resumed in turn.
 * - V8 frees what a call held at its next full collection, which an idle
 *   server does not have (the 20 queries' 80 MiB stayed), so one runs each
 *   time `collectEveryBytes` of large requests have ended: its cost follows
 *   the bytes clients sent.
 * `servers` are grpc-js's HTTP/2 servers (http2-servers.ts). Their listeners
 * run first: grpc-js has paused each stream until its call reads, and has
 * answered at once a message over its 4 MiB limit, which it does not buffer.
 */
export function boundLargeRequests(servers: NetServer[], collect: () => void, limits: LargeRequestLimits = DEFAULT_LIMITS): void {
  const turns = new Turns(limits.receivingAtOnce);
  let ended = 0;
  const onEnded = (bytes: number) => {
    ended += bytes;
    if (ended < limits.collectEveryBytes) return;
    ended = 0;
    // Once the call's objects are let go, after this turn's close handlers.
    setImmediate(collect);
  };
  for (const server of servers) server.on('stream', (stream: ServerHttp2Stream) => watch(stream, limits.largeMessageBytes, turns, onEnded));
}

function watch(stream: ServerHttp2Stream, largeMessageBytes: number, turns: Turns, onEnded: (bytes: number) => void): void {
  let received = 0;
  let prefix = Buffer.alloc(0);
  let giveBack: (() => void) | undefined;
  let size = 0;
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (giveBack) {
      if (received >= 5 + size) giveBack(); // the whole message is in: the next one may come
      return;
    }
    prefix = Buffer.concat([prefix, chunk.subarray(0, 5 - prefix.length)]);
    if (prefix.length < 5) return;
    size = prefix.readUInt32BE(1);
    if (size < largeMessageBytes || stream.headersSent) {
      stream.off('data', onData);
      return;
    }
    let waited = false;
    let receivingNow = false;
    giveBack = turns.take(() => {
      receivingNow = true;
      if (waited) stream.resume();
    });
    if (!receivingNow) {
      waited = true;
      stream.pause();
    }
    stream.once('close', () => {
      giveBack!();
      // What was received, not what the prefix announced.
      onEnded(received);
    });
    if (received >= 5 + size) giveBack();
  };
  // grpc-js paused the stream before this listener is added: adding it does not set the stream flowing.
  stream.on('data', onData);
}

/** At most `size` holders at once; the others wait, first come first served. */
class Turns {
  private held = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly size: number) {}

  /** Calls `go` once a turn is free, at once if one is; answers how to give it back (or leave the queue), once or more. */
  take(go: () => void): () => void {
    let state: 'waiting' | 'holding' | 'done' = 'waiting';
    const enter = () => {
      state = 'holding';
      this.held++;
      go();
    };
    if (this.held < this.size) enter();
    else this.queue.push(enter);
    return () => {
      if (state === 'waiting') this.queue.splice(this.queue.indexOf(enter), 1);
      if (state === 'holding') {
        this.held--;
        this.queue.shift()?.();
      }
      state = 'done';
    };
  }
}
