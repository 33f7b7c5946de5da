import { toUserRecord } from '../../src/domain/user-record';
import { GatedRepository } from '../support/gated-repository';
import { startInProcessServer } from '../support/in-process-server';

/** Records when the server closes it, relative to the call it holds in flight. */
class ClosingRepository extends GatedRepository {
  readonly events: string[] = [];
  override async list(afterEmailKey: string | undefined, limit: number) {
    const records = await super.list(afterEmailKey, limit);
    this.events.push('list returned');
    return records;
  }
  override async close(): Promise<void> {
    this.events.push('close');
  }
}

test('shutdown closes the repository (the pool) once, after the in-flight call has ended', async () => {
  const repository = new ClosingRepository();
  await repository.insert(toUserRecord({ id: 'u1', age: 40, firstName: 'Ana', lastName: 'Muñoz', email: 'ana@x.io', phone: '', address: '' }));
  const env = await startInProcessServer({ gracePeriodMs: 120_000 }, repository);
  try {
    const inFlight = env.client.list({});
    await repository.entered;
    const first = env.server.shutdown();
    const second = env.server.shutdown();
    // Still in flight: nothing closed yet.
    await new Promise((resolve) => setImmediate(resolve));
    expect(repository.events).toEqual([]);
    repository.release();
    await Promise.all([inFlight, first, second]);
    expect((await inFlight).users).toHaveLength(1);
    expect(repository.events).toEqual(['list returned', 'close']);
  } finally {
    repository.release();
    env.channel.close();
  }
});
