import { createChannel, createClientFactory } from 'nice-grpc';
import { UserServiceDefinition } from '../../gen/user/user';
import { startTracing, type Tracing } from '../../src/shared/tracing';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';
import { callLines } from '../support/log-lines';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver';

// In-process: the same code as the binaries (src/shared/tracing*.ts), with a
// real OTLP/HTTP receiver; test/server/tracing.test.ts does it with the bundles.
let receiver: OtlpReceiver;
let tracing: Tracing;
/** How each batch export ended, as the SDK told the listener. */
const exportOutcomes: (Error | undefined)[] = [];
let env: InProcessServer;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  tracing = startTracing({ name: 'in-process', version: 'test' }, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces` }, (error) => exportOutcomes.push(error))!;
  // PGlite in memory: its SQL statements become spans too.
  env = await startInProcessServer({ database: { kind: 'pglite' } }, undefined, tracing);
});
afterAll(async () => {
  await env.stop();
  await receiver.close();
});

test('client and server spans, SQL statements as their children, the log line names the server span, inSpan makes child spans', async () => {
  const channel = createChannel(env.address);
  const client = createClientFactory().use(tracing.clientMiddleware).create(UserServiceDefinition, channel);
  try {
    expect((await client.list({})).users).toEqual([]);
  } finally {
    channel.close();
  }
  expect(tracing.logFields()).toBeUndefined();
  await expect(tracing.inSpan('SELECT users', { 'db.system.name': 'postgresql' }, async () => 42)).resolves.toBe(42);
  await expect(tracing.inSpan('INSERT users', { 'db.system.name': 'postgresql' }, async () => Promise.reject(new Error('relation "users" does not exist')))).rejects.toThrow('relation');
  await tracing.shutdown();
  // Every batch reached the receiver, and the listener was told so.
  expect(exportOutcomes.length).toBeGreaterThan(0);
  expect(new Set(exportOutcomes)).toEqual(new Set([undefined]));

  const byName = (name: string) => receiver.spans.filter((s) => s.name === name);
  const [server] = byName('user.UserService/List').filter((s) => s.kind === 2);
  const [client_] = byName('user.UserService/List').filter((s) => s.kind === 3);
  expect([server.traceId, server.parentSpanId]).toEqual([client_.traceId, client_.spanId]);
  expect(server.service).toBe('in-process');
  expect(callLines(env.logger.lines, '/user.UserService/List')).toEqual([expect.objectContaining({ trace_id: server.traceId, span_id: server.spanId })]);
  const sqlChildren = receiver.spans.filter((s) => s.parentSpanId === server.spanId);
  expect(sqlChildren.length).toBeGreaterThan(0);
  for (const sql of sqlChildren) {
    expect([sql.traceId, sql.kind, sql.attributes['db.system.name'], sql.name]).toEqual([server.traceId, 1, 'postgresql', sql.attributes['db.operation.name']]);
    expect(String(sql.attributes['db.query.text'])).toMatch(new RegExp(`^\\s*${sql.name}\\b`, 'i'));
  }
  expect(sqlChildren.map((s) => s.name)).toContain('SELECT');
  expect(byName('SELECT users').map((s) => [s.kind, s.status.code, s.attributes['db.system.name']])).toEqual([[1, 0, 'postgresql']]);
  expect(byName('INSERT users').map((s) => [s.status.code, s.status.message])).toEqual([[2, 'relation "users" does not exist']]);
});
