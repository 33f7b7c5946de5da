import { readFileSync } from 'node:fs';
import { ChannelCredentials, createChannel, createClient, type Channel } from 'nice-grpc';
import { Status_StatusCode, UserServiceDefinition } from '../../gen/user/user';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { clientErrorOf, connectionFailure } from '../support/client-errors';
import { healthClient, ServingStatus } from '../support/health-client';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';

let certs: TestCertificates;
const pem = (file: string) => readFileSync(file);
const channels: Channel[] = [];

beforeAll(() => {
  certs = makeTestCertificates();
});
afterAll(() => certs.cleanup());
afterEach(() => {
  for (const channel of channels.splice(0)) channel.close();
});

function client(port: number, credentials: ChannelCredentials, options: Record<string, string> = {}) {
  const channel = createChannel(`localhost:${port}`, credentials, options);
  channels.push(channel);
  return createClient(UserServiceDefinition, channel);
}

/** The gRPC code and the one-line reason of a refused connection. */
async function refusal(call: Promise<unknown>): Promise<[string, string]> {
  const { code, details } = await clientErrorOf(call);
  return [code, connectionFailure(details)];
}

const listOk = { status: { code: Status_StatusCode.SUCCESS, msg: '' }, users: [], nextPageToken: '' };

describe('TLS', () => {
  let env: InProcessServer;
  beforeAll(async () => {
    env = await startInProcessServer({ tls: { cert: pem(certs.serverCert), key: pem(certs.serverKey), paths: { cert: certs.serverCert, key: certs.serverKey } } });
  });
  afterAll(() => env.stop());

  test('a client trusting the CA is served', async () => {
    expect(await client(env.server.port, ChannelCredentials.createSsl(pem(certs.caCert))).list({})).toEqual(listOk);
  });

  test('the certificate is valid for 127.0.0.1 too', async () => {
    const channel = createChannel(`127.0.0.1:${env.server.port}`, ChannelCredentials.createSsl(pem(certs.caCert)));
    channels.push(channel);
    expect(await healthClient(channel).check({ service: '' })).toEqual({ status: ServingStatus.SERVING });
  });

  test('a plaintext client is refused', async () => {
    expect(await refusal(client(env.server.port, ChannelCredentials.createInsecure()).list({}))).toEqual(['UNAVAILABLE', 'Failed to connect']);
  });

  test('a client trusting another CA is refused', async () => {
    expect(await refusal(client(env.server.port, ChannelCredentials.createSsl(pem(certs.otherCaCert))).list({}))).toEqual([
      'UNAVAILABLE',
      'Error: unable to verify the first certificate',
    ]);
  });

  test('a client expecting another server name is refused', async () => {
    const wrongName = client(env.server.port, ChannelCredentials.createSsl(pem(certs.caCert)), { 'grpc.ssl_target_name_override': 'users.example.com' });
    expect(await refusal(wrongName.list({}))).toEqual([
      'UNAVAILABLE',
      "Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: Host: users.example.com. is not in the cert's altnames: DNS:localhost, IP Address:127.0.0.1",
    ]);
  });

  test('a TLS server does not ask for client certificates', async () => {
    const withCert = ChannelCredentials.createSsl(pem(certs.caCert), pem(certs.otherClientKey), pem(certs.otherClientCert));
    expect(await client(env.server.port, withCert).list({})).toEqual(listOk);
  });
});

describe('mTLS (with a client CA)', () => {
  let env: InProcessServer;
  beforeAll(async () => {
    env = await startInProcessServer({
      tls: { cert: pem(certs.serverCert), key: pem(certs.serverKey), clientCa: pem(certs.caCert), paths: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.caCert } },
    });
  });
  afterAll(() => env.stop());

  test('a client with a certificate signed by the client CA is served', async () => {
    const good = ChannelCredentials.createSsl(pem(certs.caCert), pem(certs.clientKey), pem(certs.clientCert));
    expect(await client(env.server.port, good).list({})).toEqual(listOk);
  });

  test('a client without a certificate is refused', async () => {
    expect(await refusal(client(env.server.port, ChannelCredentials.createSsl(pem(certs.caCert))).list({}))).toEqual([
      'UNAVAILABLE',
      'OpenSSL: tlsv13 alert certificate required',
    ]);
  });

  test('a client with a certificate from another CA is refused', async () => {
    const other = ChannelCredentials.createSsl(pem(certs.caCert), pem(certs.otherClientKey), pem(certs.otherClientCert));
    // The server drops the handshake without an alert the client could read.
    expect(await refusal(client(env.server.port, other).list({}))).toEqual(['UNAVAILABLE', 'Failed to connect']);
  });

  test('a plaintext client is refused', async () => {
    expect(await refusal(client(env.server.port, ChannelCredentials.createInsecure()).list({}))).toEqual(['UNAVAILABLE', 'Failed to connect']);
  });
});
