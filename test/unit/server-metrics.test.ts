import { RepositoryUnavailableError } from '../../src/domain/storage-errors';
import { createServerMetrics } from '../../src/server/metrics';

const storedUsers = async (metrics: ReturnType<typeof createServerMetrics>) => /^users_grpc_stored_users (\S+)$/m.exec(await metrics.registry.metrics())?.[1];

test('users_grpc_stored_users: the count; through an outage its last value; NaN (unknown) when the store could never be counted, not 0', async () => {
  let answer: () => Promise<number> = () => Promise.reject(new RepositoryUnavailableError());
  const metrics = createServerMetrics(() => answer(), () => 0);
  // prom-client writes NaN so; Prometheus reads it (Go's ParseFloat takes any case).
  expect(await storedUsers(metrics)).toBe('Nan');
  answer = () => Promise.resolve(3032);
  expect(await storedUsers(metrics)).toBe('3032');
  answer = () => Promise.reject(new RepositoryUnavailableError());
  expect(await storedUsers(metrics)).toBe('3032');
});
