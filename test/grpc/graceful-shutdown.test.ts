import { createChannel, createClient } from 'nice-grpc';
import { Status_StatusCode, UserServiceDefinition } from '../../gen/user/user';
import { toUserRecord } from '../../src/domain/user-record';
import { clientErrorOf } from '../support/client-errors';
import { GatedRepository } from '../support/gated-repository';
import { healthClient, watchHealth } from '../support/health-client';
import { startInProcessServer } from '../support/in-process-server';
import { fieldsOf } from '../support/log-lines';

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
      { level: 'warn', message: 'grace period over: cutting the calls still in flight', grace_period_ms: 100 },
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
