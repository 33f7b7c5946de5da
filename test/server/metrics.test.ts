import { createChannel, createClient, type Channel } from 'nice-grpc';
import { UserServiceDefinition } from '../../gen/user/user';
import { requireServerBundle } from '../support/prerequisites';
import { startServerProcess, type ServerProcess } from '../support/processes';
import { maybeSampleValue, sampleValue, scrape } from '../support/prometheus';

let server: ServerProcess;
let channel: Channel;
beforeAll(async () => {
  requireServerBundle();
  server = await startServerProcess(['--metrics-address=127.0.0.1:0']);
  channel = createChannel(server.address);
});
afterAll(async () => {
  channel.close();
  await server.stop();
});

test('the start-up line names the bound metrics address', () => {
  expect(server.metricsPort).toBeGreaterThan(0);
  expect(server.output()).toContain(`"metrics":"127.0.0.1:${server.metricsPort}"`);
});

test('a scrape of /metrics after real calls', async () => {
  const client = createClient(UserServiceDefinition, channel);
  const before = await scrape(server.metricsPort!);
  await client.list({});
  await client.searchName({ query: '' });
  await client.create({ user: { id: '', age: 20, name: undefined, email: 'metrics@example.com', phone: '', address: '' } });
  const after = await scrape(server.metricsPort!);
  const labels = (method: string) => ({ grpc_service: 'user.UserService', grpc_method: method, grpc_code: 'OK' });
  // Before its first call, a method's series does not exist yet: that, and only that, counts as 0.
  const moved = (name: string, method: string) => sampleValue(after, name, labels(method)) - (maybeSampleValue(before, name, labels(method)) ?? 0);
  expect(moved('grpc_server_handled_total', 'List')).toBe(1);
  // An INVALID_QUERY answer is still gRPC OK.
  expect(moved('grpc_server_handled_total', 'SearchName')).toBe(1);
  expect(moved('grpc_server_handling_seconds_count', 'Create')).toBe(1);
  expect(sampleValue(before, 'users_grpc_stored_users')).toBe(32);
  expect(sampleValue(after, 'users_grpc_stored_users')).toBe(33);
  expect(sampleValue(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
});
