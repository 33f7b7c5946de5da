import { EventEmitter } from 'node:events';
import type { Server as NetServer } from 'node:net';
import type { ServerHttp2Stream } from 'node:http2';
import { releaseLargeRequests } from '../../src/server/transport/large-request-release';

const KiB = 1024;
const limits = { largeMessageBytes: 64 * KiB, collectAfterBytes: 1024 * KiB, collectAnywayBytes: 4096 * KiB };

/** A gRPC frame's first bytes: no compression, then the message length. */
const prefix = (length: number) => Buffer.from([0, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]);

function setUp() {
  const server = new EventEmitter();
  let collections = 0;
  releaseLargeRequests([server as unknown as NetServer], () => collections++, limits);
  const open = () => {
    const stream = new EventEmitter();
    server.emit('stream', stream as unknown as ServerHttp2Stream);
    return stream;
  };
  // setImmediate: the collection is scheduled after the close, once the call's objects are let go.
  const settled = () => new Promise((resolve) => setImmediate(resolve));
  return { open, settled, collections: () => collections };
}

test('after large requests end and none is open, one collection per collectAfterBytes of them', async () => {
  const { open, settled, collections } = setUp();
  const streams = [open(), open()];
  for (const stream of streams) {
    stream.emit('data', Buffer.concat([prefix(600 * KiB), Buffer.alloc(600 * KiB - 5)]));
    stream.emit('data', Buffer.alloc(10));
  }
  streams[0].emit('close');
  await settled();
  expect(collections()).toBe(0); // the other one is still open
  streams[1].emit('close');
  await settled();
  expect(collections()).toBe(1);
  // 600 KiB more is under collectAfterBytes since the last collection.
  const third = open();
  third.emit('data', Buffer.concat([prefix(600 * KiB), Buffer.alloc(600 * KiB)]));
  third.emit('close');
  await settled();
  expect(collections()).toBe(1);
});

test('small requests are not watched; the prefix may come split over chunks', async () => {
  const { open, settled, collections } = setUp();
  for (let i = 0; i < 100; i++) {
    const small = open();
    small.emit('data', prefix(64 * KiB - 1).subarray(0, 2));
    small.emit('data', Buffer.concat([prefix(64 * KiB - 1).subarray(2), Buffer.alloc(64 * KiB - 1)]));
    small.emit('close');
  }
  await settled();
  expect(collections()).toBe(0);
});

test('what counts is what was received, not what the prefix claims (a 2 GB prefix refused at once)', async () => {
  const { open, settled, collections } = setUp();
  const liar = open();
  liar.emit('data', Buffer.concat([prefix(2 ** 31), Buffer.alloc(10)]));
  liar.emit('close');
  await settled();
  expect(collections()).toBe(0);
});

test('past collectAnywayBytes, a collection runs even with large requests still open', async () => {
  const { open, settled, collections } = setUp();
  const stillOpen = open();
  stillOpen.emit('data', prefix(100 * KiB));
  for (let i = 0; i < 4; i++) {
    const stream = open();
    stream.emit('data', Buffer.concat([prefix(1024 * KiB), Buffer.alloc(1024 * KiB)]));
    stream.emit('close');
    await settled();
  }
  expect(collections()).toBe(1);
});
