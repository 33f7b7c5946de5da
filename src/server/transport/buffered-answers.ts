import { constants as http2Constants, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Server as NetServer } from 'node:net';
import { requestIn } from './arriving-requests';

export interface AnswerBudget {
  /** Bytes of answers one connection may hold: built and not yet sent, or being built. */
  maxBufferedBytes: number;
  /** The same, for all the connections of the server together. */
  maxTotalBufferedBytes: number;
  /** A paged answer whose client reads nothing of it for this long is dropped (its stream reset, CANCEL). */
  unreadAnswerTimeoutMs: number;
  /** What the answer of a call to `path` may weigh before it is built: a paged method's byte budget; 0 for small answers. */
  reserveFor(path: string): number;
}

/**
 * Bounds the answers held in memory. An answer its client does not read stays
 * in the server, whole, until HTTP/2 flow control lets it go: 100 unread List
 * answers of 3.5 MiB on one connection took 350 MB. So a call whose answer
 * would take its connection past `maxBufferedBytes`, or the server past
 * `maxTotalBufferedBytes`, waits, its stream paused before grpc-js has its
 * request (the handler has not run: no answer is built), until answers are
 * read (a stream drains or closes). A call not yet answered counts for what its
 * answer may weigh; an answered one for its bytes not yet sent. A connection
 * with nothing held always gets one call in while the server has room, so that
 * a budget below one answer still progresses. And a paged answer that its
 * client leaves unread for `unreadAnswerTimeoutMs` is dropped, so that
 * clients that never read cannot keep the server's room from the others for
 * good. `servers` are grpc-js's HTTP/2 servers (http2-servers.ts); their
 * listeners run first, and grpc-js asks for the request (resumes the stream) in its own.
 */
export function boundBufferedAnswers(
  servers: NetServer[],
  budget: AnswerBudget,
  onDropped: (method: string) => void = () => {},
): { waitingCalls(): number; allSent(): Promise<void> } {
  const connections = new WeakMap<Http2Session, ConnectionAnswers>();
  const server = new ServerAnswers(budget.maxTotalBufferedBytes);
  for (const http2Server of servers) {
    http2Server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
      let connection = connections.get(stream.session!);
      if (!connection) {
        connection = new ConnectionAnswers(budget.maxBufferedBytes, server);
        connections.set(stream.session!, connection);
      }
      const method = String(headers[':path']);
      const reserve = budget.reserveFor(method);
      connection.add(stream, reserve);
      if (reserve > 0) dropWhenUnread(stream, budget.unreadAnswerTimeoutMs, () => onDropped(method));
    });
  }
  return { waitingCalls: () => server.waitingCount, allSent: () => server.allSent() };
}

/**
 * Resets `stream` when nothing of it moves for `timeoutMs` (Node's stream
 * timeout: no frame sent or received, no answer written) while part of its
 * answer waits unsent. A client that reads, however slowly, keeps it going; a
 * call waiting for room, or not yet answered, holds nothing unsent.
 */
function dropWhenUnread(stream: ServerHttp2Stream, timeoutMs: number, onDropped: () => void): void {
  stream.setTimeout(timeoutMs, () => {
    if (stream.writableLength === 0) return;
    stream.close(http2Constants.NGHTTP2_CANCEL);
    onDropped();
  });
}

/** Buffered request bytes past which a paged call is placed without waiting for the rest (HTTP/2's window is 64 KiB). */
const LARGE_REQUEST_BYTES = 16 * 1024;

/**
 * Runs `then` once `stream`'s client has sent all of its request, if ever
 * (arriving-requests.ts cancels one that takes too long): a whole request is
 * in by the next turn of the event loop, a late one is looked for less and less often.
 */
function whenRequestIn(stream: ServerHttp2Stream, then: () => void, waitedMs = 0): void {
  const check = () => {
    if (stream.closed || stream.destroyed) return;
    // A request past what a paged call sends (a query of 100 characters) cannot finish arriving paused: it needs to flow.
    if (requestIn(stream) || stream.readableLength >= LARGE_REQUEST_BYTES) return then();
    const nextMs = Math.min(100, Math.max(5, waitedMs * 2));
    setTimeout(() => whenRequestIn(stream, then, waitedMs + nextMs), nextMs).unref();
  };
  if (waitedMs === 0) setImmediate(check);
  else check();
}

/** The room of the whole server: the sum of what its connections hold, and the connections with calls waiting for room. */
export class ServerAnswers {
  private heldBytes = 0;
  private readonly held = new Map<ConnectionAnswers, number>();
  private readonly waiting = new Set<ConnectionAnswers>();
  private letting = false;
  private readonly onEmpty: Array<() => void> = [];

  constructor(private readonly maxBytes: number) {}

  /** Resolves once no answer holds unsent bytes: every answered call's stream has drained or closed. */
  allSent(): Promise<void> {
    return this.heldBytes === 0 ? Promise.resolve() : new Promise((resolve) => this.onEmpty.push(resolve));
  }

  /** Whether a call of `reserve` fits, beside what the connections hold (one always does when they hold nothing). */
  fits(reserve: number): boolean {
    return this.heldBytes === 0 || this.heldBytes + reserve <= this.maxBytes;
  }

  /** A connection's held bytes now; when they went down, the waiting connections may let calls in. */
  report(connection: ConnectionAnswers, bytes: number): void {
    const before = this.held.get(connection) ?? 0;
    if (bytes === 0) this.held.delete(connection);
    else this.held.set(connection, bytes);
    this.heldBytes += bytes - before;
    if (bytes < before) this.letIn();
    if (this.heldBytes === 0) for (const resolve of this.onEmpty.splice(0)) resolve();
  }

  /** `connection` has calls waiting (or none any more). */
  setWaiting(connection: ConnectionAnswers, waiting: boolean): void {
    if (waiting) this.waiting.add(connection);
    else this.waiting.delete(connection);
  }

  /** Calls waiting for room, on every connection. */
  get waitingCount(): number {
    let count = 0;
    for (const connection of this.waiting) count += connection.waitingCount;
    return count;
  }

  /** Lets the waiting connections take the room there is, the longest waiting first; each that got a call in goes last. */
  private letIn(): void {
    if (this.letting) return;
    this.letting = true;
    try {
      for (const connection of [...this.waiting]) {
        if (connection.letIn() && this.waiting.delete(connection) && connection.waitingCount > 0) this.waiting.add(connection);
      }
    } finally {
      this.letting = false;
    }
  }
}

/** The calls of one connection: let in while their answers fit (its own bound and the server's), else waiting, paused. */
export class ConnectionAnswers {
  private readonly calls = new Map<ServerHttp2Stream, number>();
  private readonly waiting = new Map<ServerHttp2Stream, number>();

  constructor(
    private readonly maxBytes: number,
    private readonly server: ServerAnswers = new ServerAnswers(Infinity),
  ) {}

  /** A new call's stream, with what its answer may weigh. */
  add(stream: ServerHttp2Stream, reserve: number): void {
    stream.once('close', () => {
      this.calls.delete(stream);
      this.waiting.delete(stream);
      this.server.setWaiting(this, this.waiting.size > 0);
      this.letIn();
      this.server.report(this, this.held());
    });
    stream.on('drain', () => {
      this.letIn();
      this.server.report(this, this.held());
    });
    if (reserve > 0 && !requestIn(stream)) {
      // A paged call takes its answer's room once its request is in: calls that send nothing hold none.
      stream.pause();
      whenRequestIn(stream, () => this.place(stream, reserve, true));
      return;
    }
    this.place(stream, reserve, false);
  }

  /** Lets a call in when its answer fits, else makes it wait, paused. */
  private place(stream: ServerHttp2Stream, reserve: number, paused: boolean): void {
    const held = this.held();
    if (this.fits(reserve, held)) {
      this.admit(stream, reserve, held + reserve);
      if (paused) stream.resume();
      return;
    }
    if (!paused) stream.pause();
    this.waiting.set(stream, reserve);
    this.server.setWaiting(this, true);
  }

  /** Bytes the connection's answers hold: unsent bytes of the answered calls, reserves of the others. */
  held(): number {
    let bytes = 0;
    for (const [stream, reserve] of this.calls) bytes += stream.headersSent ? stream.writableLength : reserve;
    return bytes;
  }

  /** Calls waiting for room. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** Lets in the waiting calls that fit now, in their order; whether any did. */
  letIn(): boolean {
    let held = this.held();
    let any = false;
    for (const [stream, reserve] of this.waiting) {
      if (!this.fits(reserve, held)) continue;
      this.waiting.delete(stream);
      held += reserve;
      this.admit(stream, reserve, held);
      stream.resume();
      any = true;
    }
    if (this.waiting.size === 0) this.server.setWaiting(this, false);
    return any;
  }

  private admit(stream: ServerHttp2Stream, reserve: number, held: number): void {
    this.calls.set(stream, reserve);
    this.server.report(this, held);
  }

  private fits(reserve: number, held: number): boolean {
    return (this.calls.size === 0 || held + reserve <= this.maxBytes) && this.server.fits(reserve);
  }
}
