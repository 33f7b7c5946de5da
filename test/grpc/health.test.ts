import { clientErrorOf } from '../support/client-errors';
import { healthClient, ServingStatus, watchHealth } from '../support/health-client';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';

describe('Check', () => {
  let env: InProcessServer;
  beforeAll(async () => {
    env = await startInProcessServer();
  });
  afterAll(() => env.stop());

  test.each(['', 'user.UserService'])('%j is SERVING once listening', async (service) => {
    expect(await healthClient(env.channel).check({ service })).toEqual({ status: ServingStatus.SERVING });
  });

  test.each(['nope', 'user.UserServic', 'grpc.health.v1.Health'])('an unknown service %j is NOT_FOUND', async (service) => {
    expect(await clientErrorOf(healthClient(env.channel).check({ service }))).toEqual({ code: 'NOT_FOUND', details: `Unknown service: '${service}'` });
  });

  test('health calls are logged at debug level, not info', async () => {
    await healthClient(env.channel).check({ service: '' });
    const lines = env.logger.lines.filter((l) => l.message === 'call' && l.method === '/grpc.health.v1.Health/Check');
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.level))).toEqual(new Set(['debug']));
  });

  test('Watch of an unknown service says SERVICE_UNKNOWN and stays open', async () => {
    const abort = new AbortController();
    const watch = watchHealth(healthClient(env.channel), 'nope', abort.signal);
    expect(await watch.next()).toBe('SERVICE_UNKNOWN');
    abort.abort();
    await expect(watch.next()).rejects.toThrow(/aborted/i);
  });
});

describe('Watch during shutdown', () => {
  // A long grace period: if an open Watch held shutdown up, the test would time out.
  const LONG_GRACE_MS = 120_000;

  test.each(['', 'user.UserService'])('a Watch of %j sees NOT_SERVING, then ends, and shutdown completes', async (service) => {
    const env = await startInProcessServer({ gracePeriodMs: LONG_GRACE_MS });
    try {
      const watch = watchHealth(healthClient(env.channel), service);
      expect(await watch.next()).toBe('SERVING');

      const shutdown = env.server.shutdown();
      expect(await watch.next()).toBe('NOT_SERVING');
      expect(await watch.next().catch((e: Error) => e.message)).toBe('/grpc.health.v1.Health/Watch UNAVAILABLE: server is shutting down');
      await shutdown;
      expect(env.logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
    } finally {
      env.channel.close();
      env.server.forceShutdown();
    }
  });

  test('several open Watches do not hold shutdown up either', async () => {
    const env = await startInProcessServer({ gracePeriodMs: LONG_GRACE_MS });
    try {
      const client = healthClient(env.channel);
      const watches = [watchHealth(client, ''), watchHealth(client, ''), watchHealth(client, 'user.UserService')];
      for (const watch of watches) expect(await watch.next()).toBe('SERVING');
      const shutdown = env.server.shutdown();
      for (const watch of watches) expect(await watch.next()).toBe('NOT_SERVING');
      await shutdown;
    } finally {
      env.channel.close();
      env.server.forceShutdown();
    }
  });
});
