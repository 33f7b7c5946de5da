import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect, type Server as NetServer } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { ChannelCredentials, createChannel, createClient } from 'nice-grpc';
import { HealthCheckRequest } from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health';
import { UserServiceDefinition } from '../../gen/user/user';
import type { ServerConfig } from '../../src/server/config';
import { listenCapturingHttp2Servers } from '../../src/server/transport/http2-servers';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';
import { fieldsOf } from '../support/log-lines';
import { scrape, sampleValue } from '../support/prometheus';
import { grpcFrame, rawGrpcCall } from '../support/raw-grpc';

const GRPC = { INVALID_ARGUMENT: 3, UNIMPLEMENTED: 12 };

let certs: TestCertificates;
beforeAll(() => (certs = makeTestCertificates()));
afterAll(() => certs.cleanup());
const pem = (file: string) => readFileSync(file);

/** An in-process server with metrics, and grpc-js's HTTP/2 servers for its gRPC port (to wait on their events). */
async function serve(overrides: Partial<ServerConfig>): Promise<{ env: InProcessServer; http2Servers: NetServer[] }> {
  let env: InProcessServer | undefined;
  const { servers } = await listenCapturingHttp2Servers(async () => {
    env = await startInProcessServer({ metricsAddress: '127.0.0.1:0', ...overrides });
    return env.server.port;
  });
  return { env: env!, http2Servers: servers };
}

const rejectedOn = (env: InProcessServer) => async (reason: string) => sampleValue(await scrape(env.server.metricsPort!), 'grpc_server_rejected_total', { reason });
const rejectionLinesOf = (env: InProcessServer) => env.logger.lines.filter((l) => l.message === 'request rejected').map(({ timestamp: _time, ...l }) => fieldsOf(l));

/** Opens a TCP connection, writes `bytes` (if any), and resolves once the server has closed it (or it was closed). */
async function rawConnection(port: number, bytes?: Buffer, endAtOnce = false): Promise<void> {
  const socket = tcpConnect(port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  if (bytes) socket.write(bytes);
  if (endAtOnce) socket.end();
  socket.resume();
  await new Promise((resolve) => socket.on('close', resolve));
}

/** A TLS connection; resolves with how it ended: the client's error code, or 'closed' when the server closed it after the handshake. */
async function tlsConnection(port: number, options: ConnectionOptions): Promise<string> {
  const socket = tlsConnect({ port, host: '127.0.0.1', servername: 'localhost', ca: pem(certs.caCert), ...options });
  let ended = 'closed';
  socket.on('error', (error: Error & { code?: string }) => (ended = error.code ?? error.message));
  socket.resume();
  // Not events.once: it would reject on the 'error' this waits past.
  await new Promise((resolve) => socket.on('close', resolve));
  return ended;
}

const HTTP1_REQUEST = Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');

describe('a TLS port counts and logs the connections it refuses', () => {
  let env: InProcessServer;
  let http2Servers: NetServer[];
  beforeAll(async () => {
    ({ env, http2Servers } = await serve({ tls: { cert: pem(certs.serverCert), key: pem(certs.serverKey), paths: { cert: certs.serverCert, key: certs.serverKey } } }));
  });
  afterAll(() => env.stop());
  const rejected = (reason: string) => rejectedOn(env)(reason);
  beforeEach(() => {
    env.logger.lines.length = 0;
  });

  test('every reason is a series from the start, tls_handshake_failed too', async () => {
    expect(await rejected('tls_handshake_failed')).toBe(0);
  });

  test.each<[string, () => Promise<unknown>, string, string]>([
    ['HTTP/1.1 over TLS (curl --http1.1 https://…)', () => tlsConnection(env.server.port, { ALPNProtocols: ['http/1.1'] }), 'ERR_SSL_NO_APPLICATION_PROTOCOL', 'no application protocol'],
    ['plaintext HTTP/1.1 (curl --http1.1 http://…)', () => rawConnection(env.server.port, HTTP1_REQUEST), 'ERR_SSL_HTTP_REQUEST', 'http request'],
    ['bytes that are not TLS', () => rawConnection(env.server.port, Buffer.from('\x00\x01\x02 hello, no TLS here\r\n')), 'ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'],
  ])('%s: refused, counted as tls_handshake_failed, logged with the error code', async (_what, connectOnce, errorCode, details) => {
    const before = await rejected('tls_handshake_failed');
    await connectOnce();
    expect(await rejected('tls_handshake_failed')).toBe(before + 1);
    expect(rejectionLinesOf(env)).toEqual([{ level: 'debug', message: 'request rejected', reason: 'tls_handshake_failed', error_code: errorCode, details }]);
  });

  test('the client is told: HTTP/1.1 over TLS gets the no_application_protocol alert', async () => {
    expect(await tlsConnection(env.server.port, { ALPNProtocols: ['http/1.1'] })).toBe('ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL');
  });

  test('a TLS client that negotiates no protocol: its connection is closed at once, counted as http2_protocol_error', async () => {
    const before = await rejected('http2_protocol_error');
    // No ALPN at all (openssl s_client's default): the handshake succeeds, then the server closes the connection.
    expect(await tlsConnection(env.server.port, {})).toBe('closed');
    expect(await rejected('http2_protocol_error')).toBe(before + 1);
    expect(rejectionLinesOf(env)).toEqual([{ level: 'debug', message: 'request rejected', reason: 'http2_protocol_error', details: 'a TLS connection without HTTP/2 (ALPN: none)' }]);
  });

  test.each<[string, () => Promise<void>]>([
    ['a TCP probe (connect, then close)', () => rawConnection(env.server.port, undefined, true)],
    ['a client that sends half a ClientHello, then hangs up', () => rawConnection(env.server.port, Buffer.from([0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00]), true)],
  ])('%s: not counted, not logged', async (_what, hangUp) => {
    const reasons = ['tls_handshake_failed', 'http2_protocol_error'];
    const before = await Promise.all(reasons.map(rejected));
    // The server's own word that it saw the hang-up: our listener, registered first, has run by then.
    const seen = once(http2Servers[0], 'tlsClientError');
    await hangUp();
    const [error] = (await seen) as [Error & { code?: string }];
    expect(error.code).toBe('ECONNRESET');
    expect(await Promise.all(reasons.map(rejected))).toEqual(before);
    expect(rejectionLinesOf(env)).toEqual([]);
  });

  test('a gRPC client over TLS is served, and counted in none of these reasons', async () => {
    const before = await Promise.all(['tls_handshake_failed', 'http2_protocol_error'].map(rejected));
    const channel = createChannel(`localhost:${env.server.port}`, ChannelCredentials.createSsl(pem(certs.caCert)));
    try {
      expect((await createClient(UserServiceDefinition, channel).list({})).users).toEqual([]);
    } finally {
      channel.close();
    }
    expect(await Promise.all(['tls_handshake_failed', 'http2_protocol_error'].map(rejected))).toEqual(before);
  });
});

describe('an mTLS port counts the client certificates it refuses', () => {
  let env: InProcessServer;
  beforeAll(async () => {
    ({ env } = await serve({
      tls: { cert: pem(certs.serverCert), key: pem(certs.serverKey), clientCa: pem(certs.caCert), paths: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.caCert } },
    }));
  });
  afterAll(() => env.stop());
  const rejected = (reason: string) => rejectedOn(env)(reason);
  beforeEach(() => {
    env.logger.lines.length = 0;
  });

  test.each<[string, () => ConnectionOptions, string, string]>([
    ['no client certificate', () => ({ ALPNProtocols: ['h2'] }), 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE', 'peer did not return a certificate'],
    ['a certificate of another CA', () => ({ ALPNProtocols: ['h2'], key: pem(certs.otherClientKey), cert: pem(certs.otherClientCert) }), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'client certificate refused'],
  ])('%s: refused, counted as tls_handshake_failed', async (_what, options, errorCode, details) => {
    const before = await rejected('tls_handshake_failed');
    await tlsConnection(env.server.port, options());
    expect(await rejected('tls_handshake_failed')).toBe(before + 1);
    expect(rejectionLinesOf(env)).toEqual([{ level: 'debug', message: 'request rejected', reason: 'tls_handshake_failed', error_code: errorCode, details }]);
  });
});

describe('the plaintext health port (--health-address) is watched as the main port is', () => {
  let env: InProcessServer;
  beforeAll(async () => {
    ({ env } = await serve({ healthAddress: '127.0.0.1:0' }));
  });
  afterAll(() => env.stop());
  const rejected = (reason: string) => rejectedOn(env)(reason);
  beforeEach(() => {
    env.logger.lines.length = 0;
  });

  test('an HTTP/1.1 request: counted as http2_protocol_error, logged', async () => {
    const before = await rejected('http2_protocol_error');
    await rawConnection(env.server.healthPort!, HTTP1_REQUEST, true);
    expect(await rejected('http2_protocol_error')).toBe(before + 1);
    expect(rejectionLinesOf(env)).toEqual([{ level: 'debug', message: 'request rejected', reason: 'http2_protocol_error', details: 'Received bad client magic byte string' }]);
  });

  test('a method it does not serve (user.UserService is not there): UNIMPLEMENTED, counted', async () => {
    const before = await rejected('unimplemented');
    const answer = await rawGrpcCall(env.server.healthPort!, '/user.UserService/List', grpcFrame(Buffer.alloc(0)));
    expect(answer).toEqual({ grpcStatus: GRPC.UNIMPLEMENTED, grpcMessage: 'The server does not implement the method /user.UserService/List', body: Buffer.alloc(0) });
    expect(await rejected('unimplemented')).toBe(before + 1);
  });

  test('invalid UTF-8 in Check.service: INVALID_ARGUMENT "service is not valid UTF-8", counted', async () => {
    const before = await rejected('invalid_utf8');
    const bytes = Buffer.from(HealthCheckRequest.encode({ service: 'Q' }).finish());
    bytes[bytes.indexOf('Q')] = 0xff;
    const answer = await rawGrpcCall(env.server.healthPort!, '/grpc.health.v1.Health/Check', grpcFrame(bytes));
    expect(answer).toEqual({ grpcStatus: GRPC.INVALID_ARGUMENT, grpcMessage: 'service is not valid UTF-8', body: Buffer.alloc(0) });
    expect(await rejected('invalid_utf8')).toBe(before + 1);
    expect(rejectionLinesOf(env)).toEqual([
      { level: 'debug', message: 'request rejected', reason: 'invalid_utf8', method: '/grpc.health.v1.Health/Check', grpc_code: 'INVALID_ARGUMENT', details: 'service is not valid UTF-8' },
    ]);
  });

  test('a message over 4 MiB: RESOURCE_EXHAUSTED, counted as oversized', async () => {
    const before = await rejected('oversized');
    const answer = await rawGrpcCall(env.server.healthPort!, '/grpc.health.v1.Health/Check', grpcFrame(Buffer.alloc(10), { declaredLength: 5 * 1024 * 1024 }));
    expect(answer.grpcStatus).toBe(8);
    expect(await rejected('oversized')).toBe(before + 1);
  });
});
