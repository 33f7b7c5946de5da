import { readFileSync } from 'node:fs';
import { runCliInProcess } from '../support/cli-in-process';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';

// users-cli in-process against a real server: health, and TLS/mTLS with every
// way of naming the server (test/e2e runs the same through the dist bundle).
let certs: TestCertificates;
beforeAll(() => (certs = makeTestCertificates()));
afterAll(() => certs.cleanup());

describe('health', () => {
  let env: InProcessServer;
  beforeAll(async () => (env = await startInProcessServer()));
  afterAll(() => env.stop());

  test('the whole server: SERVING, exit 0', async () => {
    expect(await runCliInProcess(['health', `--address=${env.address}`])).toEqual({ code: 0, stdout: 'SERVING\n', stderr: '' });
  });

  test('a service the server does not know: one line naming it, exit 1', async () => {
    expect(await runCliInProcess(['health', '--service=no.such.Service', `--address=${env.address}`])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'users-cli: the server has no health status for service "no.such.Service"\n',
    });
  });
});

describe('mTLS', () => {
  let env: InProcessServer;
  beforeAll(async () => {
    const file = (name: string) => readFileSync(name);
    env = await startInProcessServer({
      tls: { cert: file(certs.serverCert), key: file(certs.serverKey), clientCa: file(certs.caCert), paths: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.caCert } },
    });
  });
  afterAll(() => env.stop());

  const port = () => env.address.split(':')[1];

  test.each([
    ['by IP address', () => [`--address=127.0.0.1:${port()}`]],
    ['by host name', () => [`--address=localhost:${port()}`]],
    ['by IP address, verified as localhost (--servername)', () => [`--address=127.0.0.1:${port()}`, '--servername=localhost']],
  ])('%s', async (_how, address) => {
    const result = await runCliInProcess(['health', ...address(), `--cacert=${certs.caCert}`, `--cert=${certs.clientCert}`, `--key=${certs.clientKey}`]);
    expect(result).toEqual({ code: 0, stdout: 'SERVING\n', stderr: '' });
  });
});
