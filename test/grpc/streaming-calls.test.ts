import { createChannel, createServer, type Channel, type Server } from 'nice-grpc';
import { HealthDefinition, HealthState } from 'nice-grpc-server-health';
import { healthService } from '../../src/server/health-service';
import { boundStreamingCalls } from '../../src/server/transport/streaming-calls';
import { healthClient, ServingStatus, watchHealth } from '../support/health-client';

let server: Server;
let channel: Channel;
let collections: number;
let refused: Array<[string, string]>;

beforeEach(async () => {
  collections = 0;
  refused = [];
  server = createServer().use(
    boundStreamingCalls(
      2,
      (method, details) => refused.push([method, details]),
      () => collections++,
      3,
    ),
  );
  server.add(HealthDefinition, healthService(HealthState()));
  const port = await server.listen('127.0.0.1:0');
  channel = createChannel(`127.0.0.1:${port}`);
});

afterEach(async () => {
  channel.close();
  await server.forceShutdown();
});

const details = 'too many streaming calls (health Watch, reflection) open on this server (at most 2, --max-streaming-calls): use health Check, or try again later';
/** A pause between two looks at what the server did (its own turns, on this process's event loop). */
const poll = () => new Promise((resolve) => setTimeout(resolve, 10));

test('past 2 open streaming calls a third is refused (RESOURCE_EXHAUSTED, reported); unary calls are not counted; an ended stream frees its place', async () => {
  const client = healthClient(channel);
  const first = new AbortController();
  const second = new AbortController();
  expect(await watchHealth(client, '', first.signal).next()).toBe('SERVING');
  expect(await watchHealth(client, '', second.signal).next()).toBe('SERVING');
  await expect(watchHealth(client, '').next()).rejects.toThrow(`/grpc.health.v1.Health/Watch RESOURCE_EXHAUSTED: ${details}`);
  expect(refused).toEqual([['/grpc.health.v1.Health/Watch', details]]);
  expect(await client.check({ service: '' })).toEqual({ status: ServingStatus.SERVING });

  first.abort();
  const third = new AbortController();
  // The cancelled stream's place comes back once the server has seen it end.
  let status = 'none';
  while (status !== 'SERVING') {
    await poll();
    status = await watchHealth(client, '', third.signal)
      .next()
      .catch(() => 'refused');
  }
  expect(refused.length).toBeGreaterThanOrEqual(1);
  second.abort();
  third.abort();
});

test('a full collection runs each time 3 streaming calls have ended, not for unary calls', async () => {
  const client = healthClient(channel);
  for (let i = 0; i < 6; i++) await client.check({ service: '' });
  /** Opens a Watch, once the server has room again (those aborted before may not have ended there yet), and ends it. */
  const watchAndEnd = async () => {
    const controller = new AbortController();
    while ((await watchHealth(client, '', controller.signal).next().catch(() => 'refused')) !== 'SERVING') await poll();
    controller.abort();
  };
  const collected = async (count: number) => {
    while (collections < count) await poll();
    return collections;
  };
  for (let i = 0; i < 3; i++) await watchAndEnd();
  expect(await collected(1)).toBe(1);
  // Refused calls held nothing, and do not count: only the 3 Watches that ran.
  await watchAndEnd();
  await watchAndEnd();
  await watchAndEnd();
  expect(await collected(2)).toBe(2);
});
