import { EventEmitter } from 'node:events';
import type { ServerHttp2Stream } from 'node:http2';
import { ConnectionAnswers, ServerAnswers } from '../../src/server/transport/buffered-answers';

/** The parts of an HTTP/2 stream ConnectionAnswers reads: paused or not, answered or not, bytes not yet sent. */
class FakeStream extends EventEmitter {
  paused = false;
  /** Its request is in (END_STREAM received). */
  state = { remoteClose: 1 };
  headersSent = false;
  writableLength = 0;
  pause() {
    this.paused = true;
    return this;
  }
  resume() {
    this.paused = false;
    return this;
  }
  /** The handler ran: its answer is written, `unsent` bytes of it still held. */
  answer(unsent: number) {
    this.headersSent = true;
    this.writableLength = unsent;
  }
}

/** Connections of `maxBytes` each on one server of `maxTotalBytes`; `add` opens a call on the first. */
function setUp(maxBytes: number, maxTotalBytes = Infinity) {
  const server = new ServerAnswers(maxTotalBytes);
  const connect = () => {
    const connection = new ConnectionAnswers(maxBytes, server);
    const add = (reserve: number) => {
      const stream = new FakeStream();
      connection.add(stream as unknown as ServerHttp2Stream, reserve);
      return stream;
    };
    return { connection, add };
  };
  const first = connect();
  return { ...first, connect, server, waiting: () => server.waitingCount };
}

test('calls are let in while their reserves fit; the next waits, paused, until an answer is sent (drain) or a stream closes', () => {
  const { connection, add, waiting } = setUp(10);
  const [a, b, c] = [add(4), add(4), add(4)];
  expect([a.paused, b.paused, c.paused]).toEqual([false, false, true]);
  expect([connection.held(), waiting()]).toEqual([8, 1]);
  // A small answer (reserve 0) still fits.
  const small = add(0);
  expect(small.paused).toBe(false);
  // Answered, but unread: the answer's unsent bytes count instead of its reserve.
  a.answer(4);
  a.emit('drain');
  expect([c.paused, connection.held()]).toEqual([true, 8]);
  a.writableLength = 0;
  a.emit('drain');
  expect([c.paused, connection.held(), waiting()]).toEqual([false, 8, 0]);
  b.emit('close');
  expect(connection.held()).toBe(4);
});

test('over the budget by unsent answers, even a small call waits; a waiting call that is cancelled stops waiting', () => {
  const { connection, add, waiting } = setUp(10);
  const a = add(4);
  a.answer(11);
  const [small, big] = [add(0), add(4)];
  expect([small.paused, big.paused, connection.waitingCount, waiting()]).toEqual([true, true, 2, 2]);
  big.emit('close');
  expect([connection.waitingCount, waiting()]).toEqual([1, 1]);
  a.emit('close');
  expect([small.paused, connection.waitingCount, waiting()]).toEqual([false, 0, 0]);
});

test('a connection holding nothing lets one call in, even one whose reserve is over the budget', () => {
  const { add } = setUp(10);
  const [a, b] = [add(20), add(20)];
  expect([a.paused, b.paused]).toEqual([false, true]);
  a.emit('close');
  expect(b.paused).toBe(false);
});

test('the server-wide bound: past it, calls wait on every connection, and are let in as answers are read anywhere, the longest waiting connection first', () => {
  const { connect, server, waiting } = setUp(10, 12);
  const [one, two, three] = [connect(), connect(), connect()];
  const a = one.add(6);
  const b = two.add(6);
  // The server holds 12: a third connection's call waits, though its connection holds nothing; a small one too.
  const [c, d] = [three.add(4), two.add(0)];
  expect([a.paused, b.paused, c.paused, d.paused, waiting()]).toEqual([false, false, true, false, 1]);
  const e = one.add(4);
  expect([e.paused, waiting()]).toEqual([true, 2]);
  // a's answer is read: 6 bytes free; three waited longest, then one.
  a.emit('close');
  expect([c.paused, e.paused, waiting()]).toEqual([false, true, 1]);
  // Unsent bytes count, not the reserve: b answered with 1 byte left.
  b.answer(1);
  b.emit('drain');
  expect([e.paused, waiting(), server.fits(0)]).toEqual([false, 0, true]);
});

test('a server holding nothing lets one call in, even one over its bound', () => {
  const { add, connect } = setUp(100, 10);
  const other = connect();
  const [a, b] = [add(20), other.add(20)];
  expect([a.paused, b.paused]).toEqual([false, true]);
  a.emit('close');
  expect(b.paused).toBe(false);
});

test('a paged call takes room only once its request is in: a call that sends nothing holds none, and is placed when it has', async () => {
  const { connection, add, waiting } = setUp(10);
  const silent = new FakeStream();
  silent.state.remoteClose = 0;
  connection.add(silent as unknown as ServerHttp2Stream, 8);
  expect([silent.paused, connection.held(), waiting()]).toEqual([true, 0, 0]);
  // Its room is free for another.
  const other = add(8);
  expect(other.paused).toBe(false);
  silent.state.remoteClose = 1;
  await new Promise((resolve) => setTimeout(resolve, 50));
  // In now: 8 + 8 do not fit 10, so it waits for the other's answer.
  expect([silent.paused, waiting()]).toEqual([true, 1]);
  other.emit('close');
  expect([silent.paused, waiting(), connection.held()]).toEqual([false, 0, 8]);
});
