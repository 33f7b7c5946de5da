import { fullGarbageCollector } from '../../src/server/full-gc';

// Fails loudly if Node or V8 stop honouring the flags the collector relies on.
test('the full collector frees dead Buffers before it returns, and leaves no gc global behind', () => {
  const collect = fullGarbageCollector();
  collect();
  const baseline = process.memoryUsage().arrayBuffers;
  let buffers: Buffer[] | undefined = Array.from({ length: 16 }, () => Buffer.alloc(4 * 1024 * 1024, 1));
  expect(process.memoryUsage().arrayBuffers - baseline).toBeGreaterThanOrEqual(64 * 1024 * 1024);
  buffers = undefined;
  collect();
  expect(buffers).toBeUndefined();
  // Freed in the collection itself, not by V8's background sweeper later.
  expect(process.memoryUsage().arrayBuffers - baseline).toBeLessThan(1024 * 1024);
  expect('gc' in globalThis).toBe(false);
});
