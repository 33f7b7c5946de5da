import { readFileSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { createClient } from 'nice-grpc';
import { Status_StatusCode, UserServiceDefinition } from '../../gen/user/user';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { healthClient, ServingStatus, watchHealth } from '../support/health-client';
import { listeningAddresses } from '../support/listening-ports';
import { CLI_BIN, run, SERVER_BIN } from '../support/processes';
import { sampleValue, scrape, type Sample } from '../support/prometheus';
import { grpcFrame } from '../support/raw-grpc';
import { useSpawnedServers, type SpawnedServer } from '../support/spawned-server';

const startServer = useSpawnedServers();
let tlsFiles: TestCertificates | undefined;
afterAll(() => tlsFiles?.cleanup());

async function start(args: string[], env: NodeJS.ProcessEnv = {}, options: { launcher?: boolean } = {}) {
  const { server, channel } = await startServer(args, { env, launcher: options.launcher, channelOptions: { 'grpc.max_send_message_length': -1 } });
  return { server, channel, client: createClient(UserServiceDefinition, channel) };
}

/** Resident memory of a process (VmRSS), or its peak so far (VmHWM), in bytes, from /proc. */
function rssBytes(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kib === undefined) throw new Error(`no ${field} for process ${pid}`);
  return Number(kib) * 1024;
}

test('the crash: 20 parallel 4 MiB U+FDFA name queries against a 96 MiB heap are refused; the server lives, keeps its users, and its RSS grows by less than 50 MiB, at its peak too', async () => {
  // Started as the users-server command is, by its #! line: it sets the allocator's threshold (scripts/build.js).
  const { server, client } = await start([], { NODE_OPTIONS: '--max-old-space-size=96' }, { launcher: true });
  const pid = server.child.pid!;
  // Warm up the call path once, so that what is measured is the queries.
  expect((await client.getByEmail({ email: 'mael.valadier@example.com' })).status).toEqual({ code: Status_StatusCode.SUCCESS, msg: '' });
  const before = rssBytes(pid);
  // Just under the 4 MiB message limit: U+FDFA is 3 bytes of UTF-8; 1 tag byte and 4 length bytes frame it.
  const query = '\uFDFA'.repeat(Math.floor((4 * 1024 * 1024 - 5) / 3));
  const answers = await Promise.all(Array.from({ length: 20 }, () => client.searchName({ query })));
  for (const answer of answers) {
    expect(answer).toEqual({ status: { code: Status_StatusCode.INVALID_QUERY, msg: 'name query must be at most 100 characters' }, users: [], nextPageToken: '' });
  }
  const found = await client.getByEmail({ email: 'mael.valadier@example.com' });
  expect(found.user?.name).toEqual({ first: 'Maël', last: 'Valadier' });
  expect((await client.list({})).users).toHaveLength(32);
  expect(server.child.exitCode).toBe(null);
  // Folding before the limit made ONE such query grow RSS by 750 MiB. Then
  // 97 to 167 MiB stayed: each query as a 2.8 MiB string (now never decoded),
  // grpc-js's chunks and joined copy of each message (now two received at a
  // time, and collected once over), and glibc's heap keeping what was freed
  // (now mmap()ed). Measured since: 2 to 5 MiB after, 31 to 36 MiB at the peak.
  const MiB = 1024 * 1024;
  expect((rssBytes(pid) - before) / MiB).toBeLessThan(50);
  expect((rssBytes(pid, 'VmHWM') - before) / MiB).toBeLessThan(50);
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.stderr()).toBe('');
});

test('under --logfmt=json, 25 health Watch streams print no Node warning: every line is JSON, stderr is empty', async () => {
  const { server, channel } = await start(['--samples=false']);
  const controller = new AbortController();
  const watches = Array.from({ length: 25 }, () => watchHealth(healthClient(channel), '', controller.signal));
  for (const watch of watches) expect(await watch.next()).toBe('SERVING');
  server.child.kill('SIGTERM');
  for (const watch of watches) expect(await watch.next()).toBe('NOT_SERVING');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  controller.abort();
  expect(server.stderr()).toBe('');
  const lines = server.stdout().trimEnd().split('\n');
  const messages = lines.map((line) => (JSON.parse(line) as { message: string }).message);
  expect(messages).toEqual(['users-server started', 'shutting down gracefully', 'users-server stopped']);
});

/** The first JSON line the server logged with this message. */
function firstLogLine(server: SpawnedServer, message: string): Record<string, unknown> | undefined {
  return server
    .stdout()
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line.message === message);
}

/** Opens a health Watch of "" on `session`: SERVING when its first message says so, else the status it ended with. */
function rawWatch(session: ClientHttp2Session): Promise<string> {
  const stream = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Watch', 'content-type': 'application/grpc', te: 'trailers' });
  stream.end(grpcFrame(Buffer.alloc(0)));
  return firstAnswer(stream);
}

/** The first message of a stream (SERVING for a health one), or the status it ended with at once. */
function firstAnswer(stream: ClientHttp2Stream): Promise<string> {
  return new Promise((resolve) => {
    stream.on('error', () => {});
    // The one message: status (field 1) SERVING (1).
    stream.once('data', (chunk: Buffer) => resolve(chunk.equals(grpcFrame(Buffer.from([0x08, 0x01]))) ? 'SERVING' : `message ${chunk.toString('hex')}`));
    stream.on('response', (headers) => {
      if (headers['grpc-status'] !== undefined) resolve(`${headers['grpc-status']} ${decodeURIComponent(String(headers['grpc-message']))}`);
    });
  });
}

function watchCallsHandled(samples: Sample[]): number {
  return samples.filter((s) => s.name === 'grpc_server_handled_total' && s.labels.grpc_method === 'Watch').reduce((sum, s) => sum + s.value, 0);
}

test('2,100 health Watch streams against --max-streaming-calls=2000: 2,000 watch, 100 are refused (RESOURCE_EXHAUSTED, counted, logged), a reflection stream too; all torn down at once, the server answers Check and lets a new Watch in', async () => {
  const { server, channel } = await start(['--samples=false', '--max-streaming-calls=2000', '--metrics-address=127.0.0.1:0', '--log-level=debug']);
  const started = JSON.parse(await server.waitForLine(/users-server started/)) as { port: number; metrics: string };
  const metricsPort = Number(started.metrics.split(':').pop());
  // 100 streams per connection, the default --max-concurrent-streams.
  const sessions = Array.from({ length: 21 }, () => connect(`http://127.0.0.1:${started.port}`).on('error', () => {}));
  const outcomes = await Promise.all(sessions.flatMap((session) => Array.from({ length: 100 }, () => rawWatch(session))));
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  const refused = '8 too many streaming calls (health Watch, reflection) open on this server (at most 2000, --max-streaming-calls): use health Check, or try again later';
  expect(counts).toEqual({ SERVING: 2000, [refused]: 100 });
  // A reflection stream (bidirectional, open as long as its client wants) counts too.
  const reflection = connect(`http://127.0.0.1:${started.port}`).on('error', () => {});
  sessions.push(reflection);
  const reflect = reflection.request({ ':method': 'POST', ':path': '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo', 'content-type': 'application/grpc', te: 'trailers' });
  expect(await firstAnswer(reflect)).toBe(refused);
  // Unary calls are not counted: Check answers at the bound.
  expect(await healthClient(channel).check({ service: '' })).toEqual({ status: ServingStatus.SERVING });
  // Torn down together: with a listener per stream this cost O(N²) (10,000 stalled the server 12 s).
  for (const session of sessions) session.destroy();
  // Every Watch has ended on the server's side once it has counted 2,100 (2,000 cancelled, 100 refused).
  let samples = await scrape(metricsPort);
  while (watchCallsHandled(samples) < 2100) samples = await scrape(metricsPort);
  expect(watchCallsHandled(samples)).toBe(2100);
  expect(sampleValue(samples, 'grpc_server_rejected_total', { reason: 'too_many_streaming_calls' })).toBe(101);
  const health = healthClient(channel);
  expect(await health.check({ service: '' })).toEqual({ status: ServingStatus.SERVING });
  const controller = new AbortController();
  expect(await watchHealth(health, '', controller.signal).next()).toBe('SERVING');
  controller.abort();
  const refusal = firstLogLine(server, 'request rejected');
  expect(refusal).toEqual({
    level: 'debug',
    message: 'request rejected',
    reason: 'too_many_streaming_calls',
    method: '/grpc.health.v1.Health/Watch',
    grpc_code: 'RESOURCE_EXHAUSTED',
    details: refused.slice('8 '.length),
    timestamp: expect.any(String),
  });
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.stderr()).toBe('');
});

test('a client that reads none of its List answers: its connection holds at most --max-buffered-answer-bytes of them, the other calls wait unread (a gauge counts them), and all are answered once it reads', async () => {
  const { server, client } = await start(['--samples=false', '--max-response-bytes=256KiB', '--max-buffered-answer-bytes=900KiB', '--metrics-address=127.0.0.1:0']);
  const started = JSON.parse(await server.waitForLine(/users-server started/)) as { port: number; metrics: string };
  const metricsPort = Number(started.metrics.split(':').pop());
  await createWideUsers(client);

  const session = connect(`http://127.0.0.1:${started.port}`).on('error', () => {});
  const calls = Array.from({ length: 10 }, () => {
    const stream = session.request({ ':method': 'POST', ':path': '/user.UserService/List', 'content-type': 'application/grpc', te: 'trailers' });
    stream.pause();
    const call = { answered: false, status: '', bytes: 0, closed: new Promise((resolve) => stream.on('close', resolve)), stream };
    stream.on('response', () => (call.answered = true));
    stream.on('trailers', (trailers) => (call.status = String(trailers['grpc-status'])));
    stream.on('data', (chunk: Buffer) => (call.bytes += chunk.length));
    stream.end(grpcFrame(Buffer.alloc(0)));
    return call;
  });
  // Each answer counts for 256 KiB + 5 bytes until built, then for its bytes not yet sent (at most 64 KiB go before
  // the client's flow-control window closes): 3 fit in 900 KiB either way, a 4th never; 7 calls wait.
  let waiting = 0;
  while (waiting < 7) waiting = sampleValue(await scrape(metricsPort), 'users_grpc_calls_waiting_for_unread_answers');
  expect(waiting).toBe(7);
  // The 3 let in are answered as their requests are read (the next turn): wait for their headers.
  for (let attempt = 0; attempt < 100 && calls.filter((call) => call.answered).length < 3; attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(calls.filter((call) => call.answered)).toHaveLength(3);

  // The client reads: every call is answered, in full.
  for (const call of calls) call.stream.resume();
  await Promise.all(calls.map((call) => call.closed));
  session.close();
  expect(calls.map((call) => [call.status, call.bytes > 250 * 1024 && call.bytes <= 256 * 1024 + 5])).toEqual(Array(10).fill(['0', true]));
  expect(sampleValue(await scrape(metricsPort), 'users_grpc_calls_waiting_for_unread_answers')).toBe(0);
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.stderr()).toBe('');
});

/** 150 users of about 2.3 KB: a List with page_size 0 is cut at a 256 KiB budget. */
async function createWideUsers(client: ReturnType<typeof createClient<typeof UserServiceDefinition>>): Promise<void> {
  const wide = (length: number) => '\u{1D518}'.repeat(length);
  const created = await Promise.all(
    Array.from({ length: 150 }, (_, i) => client.create({ user: { id: '', email: `big${i}@b.io`, age: 30, name: { first: wide(100), last: wide(100) }, phone: wide(50), address: wide(300) } })),
  );
  expect(created.filter((answer) => answer.status?.code === Status_StatusCode.SUCCESS)).toHaveLength(150);
}

/** `count` List calls on `session` whose answers are not read: whether each was answered, and how it ended. */
function unreadLists(session: ClientHttp2Session, count: number) {
  return Array.from({ length: count }, () => {
    const stream = session.request({ ':method': 'POST', ':path': '/user.UserService/List', 'content-type': 'application/grpc', te: 'trailers' });
    stream.pause();
    stream.on('error', () => {});
    const call = { answered: false, stream, closed: new Promise<number>((resolve) => stream.on('close', () => resolve(stream.rstCode ?? -1))) };
    stream.on('response', () => (call.answered = true));
    stream.end(grpcFrame(Buffer.alloc(0)));
    return call;
  });
}

test('--max-total-buffered-answer-bytes: two connections that read nothing hold at most the server-wide bound; the calls past it wait, and get in as answers are read on the other connection', async () => {
  const { server, client } = await start(['--samples=false', '--max-response-bytes=256KiB', '--max-buffered-answer-bytes=900KiB', '--max-total-buffered-answer-bytes=1200KiB', '--metrics-address=127.0.0.1:0']);
  const started = JSON.parse(await server.waitForLine(/users-server started/)) as { port: number; metrics: string };
  const metricsPort = Number(started.metrics.split(':').pop());
  await createWideUsers(client);
  const [first, second] = [connect(`http://127.0.0.1:${started.port}`).on('error', () => {}), connect(`http://127.0.0.1:${started.port}`).on('error', () => {})];
  // 256 KiB + 5 bytes each: 3 fit the first connection's 900 KiB; then the server's 1200 KiB has room for 1 more.
  const firstCalls = unreadLists(first, 4);
  let waiting = 0;
  while (waiting < 1) waiting = sampleValue(await scrape(metricsPort), 'users_grpc_calls_waiting_for_unread_answers');
  const secondCalls = unreadLists(second, 4);
  while (waiting < 4) waiting = sampleValue(await scrape(metricsPort), 'users_grpc_calls_waiting_for_unread_answers');
  for (let attempt = 0; attempt < 100 && !secondCalls.some((call) => call.answered); attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect([firstCalls.filter((call) => call.answered).length, secondCalls.filter((call) => call.answered).length, waiting]).toEqual([3, 1, 4]);
  // The first reads all of its answers: the second gets its connection's worth in (3), its 4th waits on its own bound.
  for (const call of firstCalls) call.stream.resume();
  expect(await Promise.all(firstCalls.map((call) => call.closed))).toEqual([0, 0, 0, 0]);
  while (waiting > 1) waiting = sampleValue(await scrape(metricsPort), 'users_grpc_calls_waiting_for_unread_answers');
  expect([secondCalls.filter((call) => call.answered).length, waiting]).toEqual([3, 1]);
  for (const call of secondCalls) call.stream.resume();
  expect(await Promise.all(secondCalls.map((call) => call.closed))).toEqual([0, 0, 0, 0]);
  first.destroy();
  second.destroy();
});

test('--unread-answer-timeout=500ms: List answers left unread are dropped (the client sees CANCEL; counted, logged), and the server has room again', async () => {
  const { server, client } = await start(['--samples=false', '--max-response-bytes=256KiB', '--unread-answer-timeout=500ms', '--metrics-address=127.0.0.1:0', '--log-level=debug']);
  const started = JSON.parse(await server.waitForLine(/users-server started/)) as { port: number; metrics: string };
  await createWideUsers(client);
  const session = connect(`http://127.0.0.1:${started.port}`).on('error', () => {});
  const calls = unreadLists(session, 2);
  const began = Date.now();
  expect(await Promise.all(calls.map((call) => call.closed))).toEqual([constants.NGHTTP2_CANCEL, constants.NGHTTP2_CANCEL]);
  expect(Date.now() - began).toBeGreaterThanOrEqual(450);
  expect(sampleValue(await scrape(Number(started.metrics.split(':').pop())), 'grpc_server_rejected_total', { reason: 'unread_answer' })).toBe(2);
  expect(firstLogLine(server, 'request rejected')).toEqual({
    level: 'debug',
    message: 'request rejected',
    reason: 'unread_answer',
    method: '/user.UserService/List',
    grpc_code: 'CANCELLED',
    details: 'answer unread for 500 ms (--unread-answer-timeout)',
    timestamp: expect.any(String),
  });
  // A client that reads is served; one that reads slowly is not dropped.
  expect((await client.list({ pageSize: 10 })).users).toHaveLength(10);
  session.destroy();
});

/** A GetByEmail whose request stops half-way: its message announced, a part of it sent, never the rest. */
function halfSentRequest(session: ClientHttp2Session): { stream: ClientHttp2Stream; closed: Promise<number> } {
  const stream = session.request({ ':method': 'POST', ':path': '/user.UserService/GetByEmail', 'content-type': 'application/grpc', te: 'trailers' });
  stream.on('error', () => {});
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(100, 1);
  stream.write(Buffer.concat([prefix, Buffer.alloc(10, 0x41)]));
  return { stream, closed: new Promise((resolve) => stream.on('close', () => resolve(stream.rstCode ?? -1))) };
}

test('--max-arriving-requests=5 --request-timeout=1s: calls whose requests stop half-way are cancelled, the longest waiting first as new calls come, the rest after 1 s (counted, logged); other calls are answered meanwhile; a reflection stream stays open', async () => {
  const { server, client } = await start(['--max-arriving-requests=5', '--request-timeout=1s', '--metrics-address=127.0.0.1:0', '--log-level=debug']);
  const started = JSON.parse(await server.waitForLine(/users-server started/)) as { port: number; metrics: string };
  const session = connect(`http://127.0.0.1:${started.port}`).on('error', () => {});
  // A reflection stream sends its requests as it likes: it is not timed.
  const reflection = session.request({ ':method': 'POST', ':path': '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo', 'content-type': 'application/grpc', te: 'trailers' });
  reflection.on('error', () => {});
  reflection.write(grpcFrame(Buffer.from([0x3a, 0x00])));
  await new Promise((resolve) => reflection.once('data', resolve));
  const sent = Date.now();
  const calls = Array.from({ length: 8 }, () => halfSentRequest(session));
  // The 6th, 7th and 8th make room by cancelling the 1st, 2nd and 3rd.
  expect(await Promise.all(calls.slice(0, 3).map((call) => call.closed))).toEqual([constants.NGHTTP2_CANCEL, constants.NGHTTP2_CANCEL, constants.NGHTTP2_CANCEL]);
  // A whole request arrives at once: answered (it takes the 4th's room while it arrives).
  expect((await client.getByEmail({ email: 'mael.valadier@example.com' })).user?.email).toBe('mael.valadier@example.com');
  expect(await Promise.all(calls.slice(3).map((call) => call.closed))).toEqual(Array(5).fill(constants.NGHTTP2_CANCEL));
  // Not before their --request-timeout (counted from before they were sent: a busy machine only adds to it).
  expect(Date.now() - sent).toBeGreaterThanOrEqual(1000);
  const samples = await scrape(Number(started.metrics.split(':').pop()));
  expect([sampleValue(samples, 'grpc_server_rejected_total', { reason: 'too_many_arriving_requests' }), sampleValue(samples, 'grpc_server_rejected_total', { reason: 'request_timeout' })]).toEqual([4, 4]);
  expect(firstLogLine(server, 'request rejected')).toEqual({
    level: 'debug',
    message: 'request rejected',
    reason: 'too_many_arriving_requests',
    method: '/user.UserService/GetByEmail',
    grpc_code: 'CANCELLED',
    details: 'the longest waiting of 5 calls still receiving their request (--max-arriving-requests)',
    timestamp: expect.any(String),
  });
  expect(reflection.closed).toBe(false);
  session.destroy();
});

test('a List call waiting for answer room has sent its request: --request-timeout does not cancel it, and it is answered once the client reads; List streams that send no request take no room', async () => {
  const { server, client } = await start(['--samples=false', '--max-response-bytes=256KiB', '--max-buffered-answer-bytes=600KiB', '--request-timeout=1s', '--metrics-address=127.0.0.1:0']);
  const started = JSON.parse(await server.waitForLine(/users-server started/)) as { port: number; metrics: string };
  await createWideUsers(client);
  // 6 List streams that never send their request: they take no room from the answers below.
  const idle = connect(`http://127.0.0.1:${started.port}`).on('error', () => {});
  for (let i = 0; i < 6; i++) idle.request({ ':method': 'POST', ':path': '/user.UserService/List', 'content-type': 'application/grpc', te: 'trailers' }).on('error', () => {});
  const session = connect(`http://127.0.0.1:${started.port}`).on('error', () => {});
  const calls = unreadLists(session, 4);
  // 2 answers fit 600 KiB; 2 calls wait, past the 1 s request timeout.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(calls.map((call) => call.answered)).toEqual([true, true, false, false]);
  for (const call of calls) call.stream.resume();
  expect(await Promise.all(calls.map((call) => call.closed))).toEqual([0, 0, 0, 0]);
  expect(sampleValue(await scrape(Number(started.metrics.split(':').pop())), 'grpc_server_rejected_total', { reason: 'request_timeout' })).toBe(6);
  idle.destroy();
  session.destroy();
});

test('SIGTERM while an answer is still going out to a slow reader: the server waits for it (within --grace-period), the call ends OK, exit 0', async () => {
  const { server, client } = await start(['--samples=false', '--max-response-bytes=256KiB', '--grace-period=5s', '--drain-delay=0s']);
  const { port } = JSON.parse(await server.waitForLine(/users-server started/)) as { port: number };
  await createWideUsers(client);
  const session = connect(`http://127.0.0.1:${port}`).on('error', () => {});
  const [call] = unreadLists(session, 1);
  while (!call.answered) await new Promise((resolve) => setTimeout(resolve, 10));
  server.child.kill('SIGTERM');
  // The handler is done; its answer waits on the client, which reads it 300 ms later.
  await new Promise((resolve) => setTimeout(resolve, 300));
  call.stream.resume();
  expect(await call.closed).toBe(0);
  expect(await server.exited).toEqual({ code: 0, signal: null });
  session.destroy();
});

test('users-cli against a server at its --max-connections: one line naming the limit among the causes, exit 1', async () => {
  const { server } = await start(['--max-connections=1']);
  const { port } = JSON.parse(await server.waitForLine(/users-server started/)) as { port: number };
  const held = await openConnection(port);
  expect(held.outcome).toBe('served');
  const result = await run(process.execPath, [CLI_BIN, 'get', 'mael.valadier@example.com', `--address=127.0.0.1:${port}`, '--cleartext']);
  expect(result).toEqual({
    code: 1,
    stdout: '',
    stderr: `users-cli: cannot reach 127.0.0.1:${port}: the server closed the connection: does it expect TLS (see --tls), or is it at its connection limit (--max-connections)?\n`,
  });
  held.session.destroy();
});

/** The debug line of a connection refused before any call (no method). */
function connectionRefusalLine(reason: string, details: string): Record<string, unknown> {
  return { level: 'debug', message: 'request rejected', reason, details, timestamp: expect.any(String) };
}

/** Opens an HTTP/2 connection: 'served' once the server's SETTINGS arrive, 'closed' if the server closes it first. */
function openConnection(port: number): Promise<{ session: ClientHttp2Session; outcome: 'served' | 'closed' }> {
  return new Promise((resolve) => {
    const session = connect(`http://127.0.0.1:${port}`).on('error', () => {});
    session.once('remoteSettings', () => resolve({ session, outcome: 'served' }));
    session.once('close', () => resolve({ session, outcome: 'closed' }));
  });
}

test('--max-connections=5: a 6th and 7th connection are closed as they arrive (counted, logged), the 5 open ones are served on, and a connection that ends makes room', async () => {
  const { server, client } = await start(['--max-connections=5', '--metrics-address=127.0.0.1:0', '--log-level=debug']);
  const started = JSON.parse(await server.waitForLine(/users-server started/)) as { port: number; metrics: string };
  // The test's client holds the first connection.
  expect((await client.getByEmail({ email: 'mael.valadier@example.com' })).status).toEqual({ code: Status_StatusCode.SUCCESS, msg: '' });
  const held = await Promise.all(Array.from({ length: 4 }, () => openConnection(started.port)));
  expect(held.map(({ outcome }) => outcome)).toEqual(['served', 'served', 'served', 'served']);
  const refused = [await openConnection(started.port), await openConnection(started.port)];
  expect(refused.map(({ outcome }) => outcome)).toEqual(['closed', 'closed']);
  expect((await client.getByEmail({ email: 'mael.valadier@example.com' })).user?.email).toBe('mael.valadier@example.com');
  const samples = await scrape(Number(started.metrics.split(':').pop()));
  expect(sampleValue(samples, 'grpc_server_rejected_total', { reason: 'too_many_connections' })).toBe(2);
  expect(firstLogLine(server, 'request rejected')).toEqual(connectionRefusalLine('too_many_connections', 'a connection past the 5 open at once (--max-connections)'));
  // One ends: the server sees its socket close, then lets a new one in.
  held[0].session.destroy();
  let next = await openConnection(started.port);
  for (let attempt = 0; next.outcome === 'closed' && attempt < 50; attempt++) next = await openConnection(started.port);
  expect(next.outcome).toBe('served');
  for (const { session } of [...held, ...refused, next]) session.destroy();
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.stderr()).toBe('');
});

/** Milliseconds until the server closes `socket`, or 'open' when it is still open after `waitMs`. */
function closedAfter(socket: Socket, waitMs: number, since = Date.now()): Promise<number | 'open'> {
  const started = since;
  return new Promise((resolve) => {
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.once('close', () => resolve(Date.now() - started));
    setTimeout(() => resolve('open'), waitMs);
  });
}

/** Whether a socket closed (not 'open'), and not before `from` ms: by the server's timer, not at once. */
function closedNotBefore(closed: number | 'open', from: number): boolean {
  return closed !== 'open' && closed >= from;
}

test('--connection-setup-timeout=300ms: a connection that sends nothing, or the preface without SETTINGS, is closed (counted, logged); an HTTP/2 client stays; over TLS too, after the handshake', async () => {
  tlsFiles ??= makeTestCertificates();
  const { serverCert, serverKey, caCert } = tlsFiles;
  const { server } = await start(['--connection-setup-timeout=300ms', '--metrics-address=127.0.0.1:0', '--log-level=debug']);
  const started = JSON.parse(await server.waitForLine(/users-server started/)) as { port: number; metrics: string };
  // Times count from before connecting: the server's timer starts later, and a busy machine only adds to them.
  const connecting = Date.now();
  const silent = netConnect(started.port, '127.0.0.1');
  const prefaceOnly = netConnect(started.port, '127.0.0.1', () => prefaceOnly.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
  const silentClosing = closedAfter(silent, 5000, connecting);
  const prefaceClosing = closedAfter(prefaceOnly, 5000, connecting);
  const client = await openConnection(started.port);
  const [silentClosed, prefaceClosed, clientClosed] = await Promise.all([silentClosing, prefaceClosing, closedAfter(client.session.socket as Socket, 1500)]);
  expect({ silent: closedNotBefore(silentClosed, 300), prefaceOnly: closedNotBefore(prefaceClosed, 300), client: clientClosed }).toEqual({ silent: true, prefaceOnly: true, client: 'open' });
  client.session.destroy();
  const samples = await scrape(Number(started.metrics.split(':').pop()));
  expect(sampleValue(samples, 'grpc_server_rejected_total', { reason: 'silent_connection' })).toBe(2);
  expect(firstLogLine(server, 'request rejected')).toEqual(connectionRefusalLine('silent_connection', 'no HTTP/2 preface and SETTINGS within 300 ms of connecting (--connection-setup-timeout)'));

  const tls = await start(['--connection-setup-timeout=300ms', `--tls-cert-file=${serverCert}`, `--tls-key-file=${serverKey}`]);
  const tlsPort = (JSON.parse(await tls.server.waitForLine(/users-server started/)) as { port: number }).port;
  const tlsConnecting = Date.now();
  const handshaken = await new Promise<Socket>((resolve) => {
    const socket = tlsConnect({ port: tlsPort, host: '127.0.0.1', servername: 'localhost', ca: readFileSync(caCert), ALPNProtocols: ['h2'] }, () => resolve(socket));
  });
  const tlsSilentClosing = closedAfter(handshaken, 5000, tlsConnecting);
  const h2 = connect(`https://127.0.0.1:${tlsPort}`, { ca: readFileSync(caCert), servername: 'localhost' }).on('error', () => {});
  await new Promise((resolve) => h2.once('remoteSettings', resolve));
  const [tlsSilentClosed, h2Closed] = await Promise.all([tlsSilentClosing, closedAfter(h2.socket as Socket, 1500)]);
  expect({ silent: closedNotBefore(tlsSilentClosed, 300), client: h2Closed }).toEqual({ silent: true, client: 'open' });
  h2.destroy();
});

test('a Node warning is logged as a JSON line, not printed raw on stderr', async () => {
  // A preload emits a warning on SIGUSR2, through process.emitWarning as Node's own warnings go.
  const { server } = await start(['--samples=false'], { NODE_OPTIONS: '--require=./test/support/emit-warning-later.js' });
  server.child.kill('SIGUSR2');
  await server.waitForLine(/node warning/);
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.stderr()).toBe('');
  const warning = firstLogLine(server, 'node warning');
  expect(warning).toEqual({ level: 'warn', message: 'node warning', name: 'TestWarning', warning: 'a warning emitted after start-up', timestamp: expect.any(String) });
});

test('with --metrics-address= there is no metrics listener: the process listens on its gRPC port only', async () => {
  const { server } = await start(['--samples=false']);
  const { port } = JSON.parse(await server.waitForLine(/users-server started/)) as { port: number };
  expect(listeningAddresses(server.child.pid!)).toEqual([`127.0.0.1:${port}`]);
});

describe('bad configuration at start-up: one line; exit 2 for a malformed value, 1 for a file that cannot be used', () => {
  let certificates: TestCertificates;
  beforeAll(() => {
    certificates = makeTestCertificates();
  });
  afterAll(() => certificates.cleanup());

  const runServer = (args: string[], env: NodeJS.ProcessEnv = {}) => run(process.execPath, [SERVER_BIN, '--samples=false', ...args], { env });

  test.each<[string, string[], NodeJS.ProcessEnv, string]>([
    ['--address with spaces around', ['--address= 127.0.0.1:8000 '], {}, 'invalid --address " 127.0.0.1:8000 ": white space or control characters are not allowed'],
    ['ADDRESS ending in a newline', [], { ADDRESS: '127.0.0.1:8000\n' }, 'invalid ADDRESS "127.0.0.1:8000\\n": white space or control characters are not allowed'],
    ['--max-users 0', ['--max-users=0'], {}, 'invalid --max-users "0": expected a whole number from 1 to 999999999'],
  ])('%s', async (_what, args, env, message) => {
    expect(await runServer(args, env)).toEqual({ code: 2, stdout: '', stderr: `users-server: ${message}\n` });
  });

  test('--tls-client-ca-file pointing at a private key', async () => {
    const { serverCert, serverKey, clientKey } = certificates;
    expect(await runServer([`--tls-cert-file=${serverCert}`, `--tls-key-file=${serverKey}`, `--tls-client-ca-file=${clientKey}`])).toEqual({
      code: 1,
      stdout: '',
      stderr: `users-server: invalid --tls-client-ca-file "${clientKey}": expected a CERTIFICATE, the file holds a PRIVATE KEY\n`,
    });
  });

  test('--tls-client-ca-file pointing at garbage between PEM markers', async () => {
    const { serverCert, serverKey, dir } = certificates;
    const garbage = `${dir}/garbage-ca.crt`;
    writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n');
    const result = await runServer([`--tls-cert-file=${serverCert}`, `--tls-key-file=${serverKey}`, `--tls-client-ca-file=${garbage}`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^users-server: invalid --tls-client-ca-file "${garbage}": not a PEM certificate \\([^\\n]+\\)\\n$`));
  });

  test('a key that does not match its certificate', async () => {
    const { serverCert, clientKey } = certificates;
    expect(await runServer([`--tls-cert-file=${serverCert}`, `--tls-key-file=${clientKey}`])).toEqual({
      code: 1,
      stdout: '',
      stderr: `users-server: --tls-key-file "${clientKey}" is not the key of the certificate in --tls-cert-file "${serverCert}"\n`,
    });
  });
});
