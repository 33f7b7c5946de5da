import { copyFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { createChannel, createClient, Metadata } from 'nice-grpc';
import { HealthDefinition } from '../../gen/grpc/health/v1/health';
import { UserServiceDefinition } from '../../gen/user/user';
import { clientErrorOf } from '../support/client-errors';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { requireCliBundle, requireServerBundle } from '../support/prerequisites';
import { run, runCli, SERVER_BIN, startServerProcess, type ServerProcess } from '../support/processes';
import { makeTempDir } from '../support/temp-dir';

let receiver: OtlpReceiver;
beforeAll(async () => {
  requireServerBundle();
  requireCliBundle();
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

const SERVER = 2;
const CLIENT = 3;
const callLine = (server: ServerProcess, method: string) =>
  server
    .output()
    .split('\n')
    .filter((line) => line.includes(`"method":"/${method}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('with OTEL_EXPORTER_OTLP_ENDPOINT: one server span per call, parented to the CLI span that sent traceparent', () => {
  let server: ServerProcess;
  let spans: ReceivedSpan[];
  let cliSpans: ReceivedSpan[];
  const TRACEPARENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  const TRACEPARENT_SPAN = '00f067aa0ba902b7';

  beforeAll(async () => {
    receiver.spans.length = 0;
    server = await startServerProcess([], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    // The CLI exports its own span, as JSON this time.
    const cli = await runCli(['list', `--address=${server.address}`, '-o', 'json'], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'cli-under-test' },
    });
    expect([cli.code, cli.stderr]).toEqual([0, '']);
    cliSpans = receiver.spans.splice(0);
    // A caller that is not traced, then one that sends a traceparent of its own.
    const channel = createChannel(server.address);
    try {
      expect((await createClient(UserServiceDefinition, channel).getByEmail({ email: 'nobody@x.io' })).status?.msg).toBe('the email nobody@x.io cannot be found');
      const health = createClient(HealthDefinition, channel);
      const metadata = Metadata({ traceparent: `00-${TRACEPARENT_TRACE}-${TRACEPARENT_SPAN}-01` });
      expect((await clientErrorOf(health.check({ service: 'no.such.Service' }, { metadata }))).code).toBe('NOT_FOUND');
    } finally {
      channel.close();
    }
    // SIGTERM: the server sends what it buffered before exiting.
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    spans = receiver.spans.splice(0);
  });

  test('the CLI: one CLIENT span per call, from users-cli (or OTEL_SERVICE_NAME), over OTLP/JSON', () => {
    expect(cliSpans.map((s) => [s.service, s.kind, s.name, s.attributes['rpc.grpc.status_code'], s.parentSpanId])).toEqual([['cli-under-test', CLIENT, 'user.UserService/List', 0, '']]);
    expect(receiver.contentTypes).toContain('application/json');
  });

  test('the server: one SERVER span per call, with method and status, over OTLP/protobuf', () => {
    expect(receiver.contentTypes).toContain('application/x-protobuf');
    expect(spans.map((s) => ({ service: s.service, kind: s.kind, name: s.name, method: s.attributes['rpc.method'], service_attr: s.attributes['rpc.service'], code: s.attributes['rpc.grpc.status_code'], status: s.status.code }))).toEqual([
      { service: 'users-server', kind: SERVER, name: 'user.UserService/List', method: 'List', service_attr: 'user.UserService', code: 0, status: 0 },
      { service: 'users-server', kind: SERVER, name: 'user.UserService/GetByEmail', method: 'GetByEmail', service_attr: 'user.UserService', code: 0, status: 0 },
      { service: 'users-server', kind: SERVER, name: 'grpc.health.v1.Health/Check', method: 'Check', service_attr: 'grpc.health.v1.Health', code: 5, status: 2 },
    ]);
    expect(spans[2].status.message).toMatch(/^NOT_FOUND: /);
  });

  test("traceparent is honoured: the server span is the child of the caller's span", () => {
    const [list, getByEmail, check] = spans;
    expect([list.traceId, list.parentSpanId]).toEqual([cliSpans[0].traceId, cliSpans[0].spanId]);
    expect(getByEmail.parentSpanId).toBe('');
    expect(getByEmail.traceId).not.toBe(list.traceId);
    expect([check.traceId, check.parentSpanId]).toEqual([TRACEPARENT_TRACE, TRACEPARENT_SPAN]);
  });

  test("the call log line carries the server span's trace_id and span_id", () => {
    const [list, getByEmail] = spans;
    expect(callLine(server, 'user.UserService/List')).toEqual([expect.objectContaining({ grpc_code: 'OK', trace_id: list.traceId, span_id: list.spanId })]);
    expect(callLine(server, 'user.UserService/GetByEmail')).toEqual([expect.objectContaining({ trace_id: getByEmail.traceId, span_id: getByEmail.spanId })]);
  });

  test('the start-up line says where spans go', () => {
    const started = JSON.parse(server.output().split('\n').find((l) => l.includes('users-server started'))!) as Record<string, unknown>;
    expect(started.traces).toBe(`${receiver.endpoint}/v1/traces`);
  });
});

test('OTEL_TRACES_SAMPLER=always_off: no spans, and no trace ids on the log lines', async () => {
  receiver.spans.length = 0;
  const server = await startServerProcess([], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_TRACES_SAMPLER: 'always_off' });
  const cli = await runCli(['list', `--address=${server.address}`], { env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`, OTEL_TRACES_SAMPLER: 'always_off' } });
  expect(cli.code).toBe(0);
  expect(await server.stop()).toEqual({ code: 0, signal: null });
  expect(receiver.spans).toEqual([]);
  expect(callLine(server, 'user.UserService/List')).toEqual([expect.not.objectContaining({ trace_id: expect.anything() })]);
});

test('without OTEL_* variables tracing is off, and the SDK bundle is not even read', async () => {
  // The server bundle alone in a directory, without dist/users-grpc-tracing.js beside it.
  const dir = makeTempDir();
  try {
    const alone = path.join(dir.path, 'users-server.js');
    copyFileSync(SERVER_BIN, alone);
    const off = await run(process.execPath, [alone, '--version']);
    expect(off).toEqual({ code: 0, stdout: expect.any(String), stderr: '' });
    const on = await run(process.execPath, [alone, '--address=127.0.0.1:0', '--metrics-address='], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } });
    expect(on.code).toBe(1);
    expect(on.stderr).toContain("Cannot find module './users-grpc-tracing.js'");
  } finally {
    dir.cleanup();
  }
});

describe('a bad OTEL_* value: exit 2, one line naming it', () => {
  test.each<[NodeJS.ProcessEnv, string]>([
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'invalid OTEL_TRACES_EXPORTER "zipkin": allowed values are otlp, none'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'invalid OTEL_EXPORTER_OTLP_PROTOCOL "grpc": allowed values are http/protobuf, http/json'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'garbage' }, 'invalid OTEL_EXPORTER_OTLP_ENDPOINT "garbage": expected an http:// or https:// URL, e.g. http://otel-collector:4318'],
  ])('%j', async (env, message) => {
    expect(await run(process.execPath, [SERVER_BIN, '--address=127.0.0.1:0'], { env })).toEqual({ code: 2, stdout: '', stderr: `users-server: ${message}\n` });
    expect(await runCli(['list', '--address=127.0.0.1:1'], { env })).toEqual({ code: 2, stdout: '', stderr: `users-cli: ${message}\n` });
  });
});

describe('a collector that refuses the spans: said once per change of state, and the answers stand', () => {
  afterEach(() => {
    receiver.refuseWith = undefined;
  });

  test('users-server: one warning when exports start failing, one line when they work again', async () => {
    receiver.refuseWith = 400;
    // Short batches, so that each call below is exported on its own.
    const server = await startServerProcess([], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '20' });
    try {
      const list = () => runCli(['list', '--limit=1', '-o', 'json', `--address=${server.address}`]);
      expect((await list()).code).toBe(0);
      const failing = JSON.parse(await server.waitForLine(/traces cannot be exported/));
      expect(failing).toMatchObject({ level: 'warn', message: 'traces cannot be exported: spans are dropped', endpoint: `${receiver.endpoint}/v1/traces` });
      expect(failing.error).toBe('Bad Request (HTTP 400)');
      // A second failing batch says nothing more.
      expect((await list()).code).toBe(0);
      receiver.refuseWith = undefined;
      expect((await list()).code).toBe(0);
      expect(JSON.parse(await server.waitForLine(/traces exported again/))).toMatchObject({ level: 'info', endpoint: `${receiver.endpoint}/v1/traces` });
    } finally {
      expect(await server.stop()).toEqual({ code: 0, signal: null });
    }
    expect(server.output().split('\n').filter((line) => /traces (cannot be exported|exported again)/.test(line))).toHaveLength(2);
  });

  test('users-server: a collector that never answers holds SIGTERM 3 s at most (not its export timeout), and it is said', async () => {
    // Accepts the connection and never answers: a collector that hangs.
    const sockets: Socket[] = [];
    const silent = createNetServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const server = await startServerProcess([], { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '600000' });
      expect((await runCli(['list', '--limit=1', `--address=${server.address}`])).code).toBe(0);
      // Without the limit, the span buffered for that call would hold the exit for 600 s.
      expect(await server.stop()).toEqual({ code: 0, signal: null });
      const lines = server.output().split('\n').filter((line) => line.includes('traces not all sent'));
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({ level: 'warn', message: 'traces not all sent', error: 'the collector did not take them within 3 s' }),
      ]);
      expect(server.output()).toContain('users-server stopped');
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  test('users-cli: its answer and exit code, then one line on stderr naming the endpoint', async () => {
    const server = await startServerProcess([]);
    try {
      receiver.refuseWith = 400;
      const result = await runCli(['get', 'mael.valadier@example.com', '-o', 'json', `--address=${server.address}`], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } });
      expect(result).toEqual({
        code: 0,
        stdout: expect.stringContaining('"email": "mael.valadier@example.com"'),
        stderr: `users-cli: warning: traces not exported to ${receiver.endpoint}/v1/traces: Bad Request (HTTP 400)\n`,
      });
    } finally {
      await server.stop();
    }
  });
});
