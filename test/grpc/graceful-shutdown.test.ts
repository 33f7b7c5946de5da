import { createChannel, createClient } from 'nice-grpc';
import { Status_StatusCode, UserServiceDefinition } from '../../gen/user/user';
import { toUserRecord } from '../../src/domain/user-record';
import { clientErrorOf } from '../support/client-errors';
import { GatedRepository } from '../support/gated-repository';
import { healthClient, watchHealth } from '../support/health-client';
import { startInProcessServer } from '../support/in-process-server';
import { callLines, fieldsOf } from '../support/log-lines';
import { connect as connectTcp, type Socket } from 'node:net';
import { once } from 'node:events';
import { MemoryUserRepository } from '../../src/repository/memory-user-repository';

test('an in-flight call completes; meanwhile health says NOT_SERVING and new calls are refused', async () => {
  const repository = new GatedRepository();
  await repository.insert(toUserRecord({ id: 'u1', age: 40, firstName: 'Ana', lastName: 'Muñoz', email: 'ana@x.io', phone: '', address: '' }));
  const env = await startInProcessServer({ gracePeriodMs: 120_000 }, repository);
  const otherChannel = createChannel(env.address);
  try {
    const watch = watchHealth(healthClient(env.channel), '');
    expect(await watch.next()).toBe('SERVING');
    const inFlight = env.client.list({});
    await repository.entered;

    let shutdownDone = false;
    const shutdown = env.server.shutdown().then(() => (shutdownDone = true));
    expect(await watch.next()).toBe('NOT_SERVING');

    const refused = await clientErrorOf(createClient(UserServiceDefinition, otherChannel).getByEmail({ email: 'ana@x.io' }));
    expect(refused.code).toBe('UNAVAILABLE');
    expect(shutdownDone).toBe(false);

    repository.release();
    expect(await inFlight).toEqual({
      status: { code: Status_StatusCode.SUCCESS, msg: '' },
      users: [{ id: 'u1', age: 40, name: { first: 'Ana', last: 'Muñoz' }, email: 'ana@x.io', phone: '', address: '' }],
      nextPageToken: '',
    });
    await shutdown;
    expect(shutdownDone).toBe(true);
    expect(env.logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  } finally {
    repository.release();
    otherChannel.close();
    env.channel.close();
    env.server.forceShutdown();
  }
});

test('when the grace period is over, calls still in flight are cut and shutdown completes', async () => {
  const repository = new GatedRepository();
  const env = await startInProcessServer({ gracePeriodMs: 100 }, repository);
  try {
    const inFlight = clientErrorOf(env.client.list({}));
    await repository.entered;
    await env.server.shutdown();
    expect(await inFlight).toEqual({ code: 'CANCELLED', details: 'Call cancelled' });
    expect(env.logger.lines.filter((l) => l.level === 'warn').map(fieldsOf)).toEqual([
      { level: 'warn', message: 'grace period over: cutting the calls still in flight', calls: 1, grace_period_ms: 100 },
    ]);
    // The cut call is logged as cut, though its handler is still waiting on the repository.
    expect(callLines(env.logger.lines, '/user.UserService/List').map(({ duration_ms: _duration, ...line }) => line)).toEqual([
      { level: 'info', message: 'call', method: '/user.UserService/List', grpc_code: 'CANCELLED' },
    ]);
  } finally {
    repository.release();
    env.channel.close();
  }
});

test('shutdown is idempotent: a second call waits for the same stop', async () => {
  const env = await startInProcessServer();
  env.channel.close();
  const first = env.server.shutdown();
  expect(env.server.shutdown()).toBe(first);
  await first;
});

test('with no call in flight, shutdown ends at once, closing idle connections: one that ignores GOAWAY, a raw socket', async () => {
  // A grace period far longer than jest's timeout: waiting for it would fail the test.
  const env = await startInProcessServer({ gracePeriodMs: 3_600_000 });
  // A raw socket that never says a word keeps grpc-js's tryShutdown waiting forever.
  const raw: Socket = connectTcp(env.server.port, '127.0.0.1');
  await once(raw, 'connect');
  // An HTTP/2 connection that opened with the preface and then ignores everything, GOAWAY included.
  const deaf: Socket = connectTcp(env.server.port, '127.0.0.1');
  await once(deaf, 'connect');
  deaf.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]));
  deaf.resume();
  const deafClosed = once(deaf, 'close');
  // An idle gRPC connection, never closed by its client.
  expect(await env.client.list({})).toEqual({ status: { code: Status_StatusCode.SUCCESS, msg: '' }, users: [], nextPageToken: '' });
  await env.server.shutdown();
  await deafClosed;
  expect(env.logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  raw.destroy();
  env.channel.close();
});

test('a health Watch opened after shutdown began ends at once', async () => {
  const repository = new GatedRepository();
  const env = await startInProcessServer({ gracePeriodMs: 3_600_000 }, repository);
  try {
    const inFlight = env.client.list({});
    await repository.entered;
    const shutdown = env.server.shutdown();
    // Either the Watch reaches the stopping server, which ends it at once (after
    // telling the status, when the Watch started before the stream was cut), or
    // the server has already sent GOAWAY and stopped listening, and the client
    // says so at once: which one depends on when the GOAWAY reaches the client.
    const late = watchHealth(healthClient(env.channel), '');
    const outcomes: string[] = [];
    for (let ended = false; !ended && outcomes.length < 3; ) {
      const outcome = await late.next().catch((e: Error) => e.message);
      outcomes.push(outcome);
      ended = outcome.includes('UNAVAILABLE') || outcome === 'end';
    }
    const shuttingDown = '/grpc.health.v1.Health/Watch UNAVAILABLE: server is shutting down';
    expect([
      [shuttingDown],
      ['NOT_SERVING', shuttingDown],
      [`/grpc.health.v1.Health/Watch UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:${env.server.port}. Resolution note: `],
    ]).toContainEqual(outcomes);
    repository.release();
    await inFlight;
    await shutdown;
  } finally {
    repository.release();
    env.channel.close();
  }
});

test('shutdown closes the repository exactly once, after the calls in flight ended', async () => {
  const events: string[] = [];
  class CountingRepository extends GatedRepository {
    override async list(afterEmailKey: string | undefined, limit: number) {
      const users = await super.list(afterEmailKey, limit);
      events.push('list answered');
      return users;
    }

    override async close(): Promise<void> {
      events.push('close');
    }
  }
  const repository = new CountingRepository();
  const env = await startInProcessServer({ gracePeriodMs: 3_600_000 }, repository);
  const inFlight = env.client.list({});
  await repository.entered;
  const first = env.server.shutdown();
  const second = env.server.shutdown();
  repository.release();
  await Promise.all([first, second, inFlight]);
  await env.server.shutdown();
  expect(events).toEqual(['list answered', 'close']);
  env.channel.close();
});

test('the memory repository used by default is closed too (no error)', async () => {
  const repository = new MemoryUserRepository();
  const close = jest.spyOn(repository, 'close');
  const env = await startInProcessServer({}, repository);
  await env.stop();
  expect(close).toHaveBeenCalledTimes(1);
});
