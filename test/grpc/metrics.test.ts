import { Status_StatusCode } from '../../gen/user/user';
import { healthClient } from '../support/health-client';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';
import { maybeSampleValue, sampleValue, scrape } from '../support/prometheus';

const method = (name: string) => ({ grpc_service: 'user.UserService', grpc_method: name, grpc_type: 'unary' });
const user = (email: string) => ({ id: '', age: 30, name: { first: 'A', last: 'B' }, email, phone: '', address: '' });

let env: InProcessServer;
let metricsPort: number;
beforeAll(async () => {
  env = await startInProcessServer({ metricsAddress: '127.0.0.1:0', samples: true });
  metricsPort = env.server.metricsPort!;
});
afterAll(() => env.stop());

test('the metrics listener has its own port', () => {
  expect(metricsPort).toBeGreaterThan(0);
  expect(metricsPort).not.toBe(env.server.port);
});

test('GET /metrics: request counts by method and code, latency histograms, stored users and process metrics move with real calls', async () => {
  const before = await scrape(metricsPort);
  expect(sampleValue(before, 'users_grpc_stored_users')).toBe(32);

  await env.client.list({});
  await env.client.list({});
  await env.client.getByEmail({ email: 'nobody@x.io' });
  expect((await env.client.create({ user: user('new@x.io') })).status?.code).toBe(Status_StatusCode.SUCCESS);
  await healthClient(env.channel).check({ service: '' });

  const after = await scrape(metricsPort);
  // Before its first call, a method's series does not exist yet: that, and only that, counts as 0.
  const moved = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - (maybeSampleValue(before, name, labels) ?? 0);
  expect(moved('grpc_server_handled_total', { ...method('List'), grpc_code: 'OK' })).toBe(2);
  expect(moved('grpc_server_handled_total', { ...method('GetByEmail'), grpc_code: 'OK' })).toBe(1);
  expect(moved('grpc_server_handled_total', { ...method('Create'), grpc_code: 'OK' })).toBe(1);
  expect(moved('grpc_server_started_total', method('List'))).toBe(2);
  expect(moved('grpc_server_handling_seconds_count', { ...method('List'), grpc_code: 'OK' })).toBe(2);
  expect(moved('grpc_server_handling_seconds_bucket', { ...method('List'), grpc_code: 'OK', le: '+Inf' })).toBe(2);
  expect(sampleValue(after, 'grpc_server_handling_seconds_sum', { ...method('List'), grpc_code: 'OK' })).toBeGreaterThan(0);
  expect(moved('grpc_server_handled_total', { grpc_service: 'grpc.health.v1.Health', grpc_method: 'Check', grpc_code: 'OK' })).toBe(1);
  expect(sampleValue(after, 'users_grpc_stored_users')).toBe(33);

  for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes']) {
    expect([name, after.some((s) => s.name === name)]).toEqual([name, true]);
  }
});


test('the exposition format content type', async () => {
  const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics?x=1`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  expect(await response.text()).toContain('# TYPE users_grpc_stored_users gauge\n');
});

test.each([
  ['GET', '/'],
  ['GET', '/metric'],
  ['GET', '/metrics/x'],
  ['POST', '/metrics'],
])('%s %s is 404', async (httpMethod, path) => {
  const response = await fetch(`http://127.0.0.1:${metricsPort}${path}`, { method: httpMethod });
  expect(response.status).toBe(404);
  expect(await response.text()).toBe('not found: metrics are at GET /metrics\n');
});

test('each server counts its own calls and users', async () => {
  const other = await startInProcessServer({ metricsAddress: '127.0.0.1:0' });
  try {
    await other.client.create({ user: user('only@x.io') });
    const mine = await scrape(metricsPort);
    const theirs = await scrape(other.server.metricsPort!);
    expect(sampleValue(theirs, 'users_grpc_stored_users')).toBe(1);
    expect(sampleValue(mine, 'users_grpc_stored_users')).toBe(33);
    expect(sampleValue(theirs, 'grpc_server_handled_total', { ...method('Create'), grpc_code: 'OK' })).toBe(1);
    expect(maybeSampleValue(theirs, 'grpc_server_handled_total', { ...method('List'), grpc_code: 'OK' })).toBeUndefined();
    expect(sampleValue(mine, 'grpc_server_handled_total', { ...method('Create'), grpc_code: 'OK' })).toBe(1);
  } finally {
    await other.stop();
  }
});

test('shutdown closes the metrics listener', async () => {
  const other = await startInProcessServer({ metricsAddress: '127.0.0.1:0' });
  const port = other.server.metricsPort!;
  expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
  await other.stop();
  await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow('fetch failed');
});

test('without a metrics address there is no listener', async () => {
  const other = await startInProcessServer({ metricsAddress: undefined });
  try {
    expect(other.server.metricsPort).toBeUndefined();
  } finally {
    await other.stop();
  }
});
