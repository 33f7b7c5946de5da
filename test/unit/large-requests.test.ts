import { EventEmitter } from 'node:events';
import type { Server as NetServer } from 'node:net';
import type { ServerHttp2Stream } from 'node:http2';
import { boundLargeRequests } from '../../src/server/transport/large-requests';

const KiB = 1024;
const limits = { largeMessageBytes: 64 * KiB, receivingAtOnce: 2, collectEveryBytes: 1024 * KiB };

/** A gRPC frame's first bytes: no compression, then the message length. */
const prefix = (length: number) => Buffer.from([0, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]);

/** The part of an HTTP/2 server stream the bound uses, recording pause() and resume(). */
class FakeStream extends EventEmitter {
  headersSent = false;
  readonly calls: string[] = [];
  pause() {
    this.calls.push('pause');
  }
  resume() {
    this.calls.push('resume');
  }
}

function setUp() {
  const server = new EventEmitter();
  let collections = 0;
  boundLargeRequests([server as unknown as NetServer], () => collections++, limits);
  const open = () => {
    const stream = new FakeStream();
    server.emit('stream', stream as unknown as ServerHttp2Stream);
    return stream;
  };
  // setImmediate: the collection is scheduled after the close, once the call's objects are let go.
  const settled = () => new Promise((resolve) => setImmediate(resolve));
  return { open, settled, collections: () => collections };
}

test('two large messages are received at once; a third stream is paused until one of them is all in', () => {
  const { open } = setUp();
  const [a, b, c] = [open(), open(), open()];
  for (const stream of [a, b, c]) stream.emit('data', Buffer.concat([prefix(100 * KiB), Buffer.alloc(10 * KiB)]));
  expect([a.calls, b.calls, c.calls]).toEqual([[], [], ['pause']]);
  b.emit('data', Buffer.alloc(100 * KiB - 10 * KiB));
  expect([a.calls, b.calls, c.calls]).toEqual([[], [], ['pause', 'resume']]);
  // b's call ending later gives no second turn away.
  const d = open();
  d.emit('data', Buffer.concat([prefix(100 * KiB), Buffer.alloc(10)]));
  b.emit('close');
  expect(d.calls).toEqual(['pause']);
  a.emit('close');
  expect(d.calls).toEqual(['pause', 'resume']);
});

test('a waiting stream that closes leaves the queue: the next one gets the turn', () => {
  const { open } = setUp();
  const streams = [open(), open(), open(), open()];
  for (const stream of streams) stream.emit('data', prefix(100 * KiB));
  streams[2].emit('close');
  streams[0].emit('close');
  expect(streams.map((s) => s.calls)).toEqual([[], [], ['pause'], ['pause', 'resume']]);
});

test('small messages, split prefixes and messages grpc-js answered already are left alone', () => {
  const { open } = setUp();
  const busy = [open(), open()];
  for (const stream of busy) stream.emit('data', prefix(100 * KiB));
  const small = open();
  small.emit('data', prefix(64 * KiB - 1).subarray(0, 2));
  small.emit('data', Buffer.concat([prefix(64 * KiB - 1).subarray(2), Buffer.alloc(10)]));
  const refused = open();
  refused.headersSent = true; // grpc-js answered RESOURCE_EXHAUSTED from the prefix of a 2 GB message
  refused.emit('data', Buffer.concat([prefix(2 ** 31), Buffer.alloc(10)]));
  expect([small.calls, refused.calls]).toEqual([[], []]);
  expect([small.listenerCount('data'), refused.listenerCount('data')]).toEqual([0, 0]);
});

test('a full collection each time collectEveryBytes of large requests has ended, counted as received', async () => {
  const { open, settled, collections } = setUp();
  const liar = open();
  liar.emit('data', Buffer.concat([prefix(2 ** 30), Buffer.alloc(10)]));
  liar.emit('close'); // 15 bytes received, not 1 GiB
  for (let i = 0; i < 3; i++) {
    const stream = open();
    stream.emit('data', Buffer.concat([prefix(400 * KiB), Buffer.alloc(400 * KiB)]));
    stream.emit('close');
    await settled();
    expect([i, collections()]).toEqual([i, i < 2 ? 0 : 1]);
  }
});
