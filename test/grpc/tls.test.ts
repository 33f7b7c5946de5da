import { readFileSync } from 'node:fs';
import { ChannelCredentials, createChannel, createClient, type Channel } from 'nice-grpc';
import { Status_StatusCode, UserServiceDefinition } from '../../gen/user/user';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { clientErrorOf } from '../support/client-errors';
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
    expect((await clientErrorOf(client(env.server.port, ChannelCredentials.createInsecure()).list({}))).code).toBe('UNAVAILABLE');
  });

  test('a client trusting another CA is refused', async () => {
    expect((await clientErrorOf(client(env.server.port, ChannelCredentials.createSsl(pem(certs.otherCaCert))).list({}))).code).toBe('UNAVAILABLE');
  });

  test('a client expecting another server name is refused', async () => {
    const wrongName = client(env.server.port, ChannelCredentials.createSsl(pem(certs.caCert)), { 'grpc.ssl_target_name_override': 'users.example.com' });
    expect((await clientErrorOf(wrongName.list({}))).code).toBe('UNAVAILABLE');
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
    expect((await clientErrorOf(client(env.server.port, ChannelCredentials.createSsl(pem(certs.caCert))).list({}))).code).toBe('UNAVAILABLE');
  });

  test('a client with a certificate from another CA is refused', async () => {
    const other = ChannelCredentials.createSsl(pem(certs.caCert), pem(certs.otherClientKey), pem(certs.otherClientCert));
    expect((await clientErrorOf(client(env.server.port, other).list({}))).code).toBe('UNAVAILABLE');
  });

  test('a plaintext client is refused', async () => {
    expect((await clientErrorOf(client(env.server.port, ChannelCredentials.createInsecure()).list({}))).code).toBe('UNAVAILABLE');
  });
});
