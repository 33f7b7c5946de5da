import type { Http2Session, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { Server as NetServer } from 'node:net';

export interface AnswerBudget {
  /** Bytes of answers one connection may hold: built and not yet sent, or being built. */
  maxBufferedBytes: number;
  /** What the answer of a call to `path` may weigh before it is built: a paged method's byte budget; 0 for small answers. */
  reserveFor(path: string): number;
}

/**
 * Bounds the answers a connection holds in memory. An answer its client does
 * not read stays in the server, whole, until HTTP/2 flow control lets it go:
 * 100 unread List answers of 3.5 MiB on one connection took 350 MB. So a call
 * whose answer would take its connection past `maxBufferedBytes` waits, its
 * stream paused before grpc-js has its request (the handler has not run: no
 * answer is built), until the connection's answers are read (a stream drains
 * or closes). A call not yet answered counts for what its answer may weigh; an
 * answered one for its bytes not yet sent. A connection with nothing held
 * always gets one call in, so that a budget below one answer still progresses.
 * `servers` are grpc-js's HTTP/2 servers (http2-servers.ts); their listeners
 * run first, and grpc-js asks for the request (resumes the stream) in its own.
 */
export function boundBufferedAnswers(servers: NetServer[], budget: AnswerBudget): { waitingCalls(): number } {
  const connections = new WeakMap<Http2Session, ConnectionAnswers>();
  let waiting = 0;
  const onWaiting = (delta: number) => (waiting += delta);
  for (const server of servers) {
    server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
      let connection = connections.get(stream.session!);
      if (!connection) {
        connection = new ConnectionAnswers(budget.maxBufferedBytes, onWaiting);
        connections.set(stream.session!, connection);
      }
      connection.add(stream, budget.reserveFor(String(headers[':path'])));
    });
  }
  return { waitingCalls: () => waiting };
}

/** The calls of one connection: let in while their answers fit, else waiting, paused. */
export class ConnectionAnswers {
  private readonly admitted = new Map<ServerHttp2Stream, number>();
  private readonly waiting = new Map<ServerHttp2Stream, number>();

  /** `onWaiting` hears each call that starts (+1) or stops (-1) waiting. */
  constructor(
    private readonly maxBytes: number,
    private readonly onWaiting: (delta: number) => void = () => {},
  ) {}

  /** A new call's stream, with what its answer may weigh. */
  add(stream: ServerHttp2Stream, reserve: number): void {
    stream.once('close', () => {
      this.admitted.delete(stream);
      if (this.waiting.delete(stream)) this.onWaiting(-1);
      this.letIn();
    });
    stream.on('drain', () => this.letIn());
    if (this.fits(reserve, this.held())) {
      this.admitted.set(stream, reserve);
      return;
    }
    stream.pause();
    this.waiting.set(stream, reserve);
    this.onWaiting(1);
  }

  /** Bytes the connection's answers hold: unsent bytes of the answered calls, reserves of the others. */
  held(): number {
    let bytes = 0;
    for (const [stream, reserve] of this.admitted) bytes += stream.headersSent ? stream.writableLength : reserve;
    return bytes;
  }

  /** Calls waiting for room. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  private fits(reserve: number, held: number): boolean {
    return this.admitted.size === 0 || held + reserve <= this.maxBytes;
  }

  /** Lets in the waiting calls that fit now, in their order. */
  private letIn(): void {
    let held = this.held();
    for (const [stream, reserve] of this.waiting) {
      if (!this.fits(reserve, held)) continue;
      this.waiting.delete(stream);
      this.onWaiting(-1);
      this.admitted.set(stream, reserve);
      held += reserve;
      stream.resume();
    }
  }
}
