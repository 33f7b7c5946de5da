import { useProbeAndCertificates } from '../support/probe-and-certificates';
import { run, startServerProcess, type ServerProcess } from '../support/processes';

// The TLS flags wired end to end, checked with grpc-health-probe's TLS options.
const fixture = useProbeAndCertificates();

// The probe retries a refused handshake until its connect timeout, then exits 2.
const refused = (server: ServerProcess) => ({ code: 2, stdout: '', stderr: `timeout: failed to connect service "${server.address}" within 1s\n` });
const check = (server: ServerProcess, ...args: string[]) => run(fixture.probe, [`-addr=${server.address}`, ...args]);

describe('--tls-cert-file and --tls-key-file', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess([`--tls-cert-file=${fixture.certs.serverCert}`, `--tls-key-file=${fixture.certs.serverKey}`]);
  });
  afterAll(() => server.stop());

  test('the start-up line says tls', () => {
    expect(server.output()).toMatch(/"tls":"tls"/);
  });

  test('a client trusting the CA: SERVING', async () => {
    expect(await check(server, '-tls', `-tls-ca-cert=${fixture.certs.caCert}`)).toEqual({ code: 0, stdout: '', stderr: 'status: SERVING\n' });
  });

  test('a client trusting another CA is refused', async () => {
    expect(await check(server, '-tls', `-tls-ca-cert=${fixture.certs.otherCaCert}`, '-connect-timeout=1s')).toEqual(refused(server));
  });

  test('a plaintext client is refused', async () => {
    expect(await check(server, '-connect-timeout=1s')).toEqual(refused(server));
  });
});

describe('--tls-client-ca-file too: mTLS', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess([`--tls-cert-file=${fixture.certs.serverCert}`, `--tls-key-file=${fixture.certs.serverKey}`, `--tls-client-ca-file=${fixture.certs.caCert}`]);
  });
  afterAll(() => server.stop());

  test('the start-up line says mtls', () => {
    expect(server.output()).toMatch(/"tls":"mtls"/);
  });

  test('a client with a certificate signed by the client CA: SERVING', async () => {
    expect(await check(server, '-tls', `-tls-ca-cert=${fixture.certs.caCert}`, `-tls-client-cert=${fixture.certs.clientCert}`, `-tls-client-key=${fixture.certs.clientKey}`)).toEqual({
      code: 0,
      stdout: '',
      stderr: 'status: SERVING\n',
    });
  });

  test('a client without a certificate is refused', async () => {
    expect(await check(server, '-tls', `-tls-ca-cert=${fixture.certs.caCert}`, '-connect-timeout=1s')).toEqual(refused(server));
  });

  test('a client with a certificate from another CA is refused', async () => {
    const other = [`-tls-client-cert=${fixture.certs.otherClientCert}`, `-tls-client-key=${fixture.certs.otherClientKey}`];
    expect(await check(server, '-tls', `-tls-ca-cert=${fixture.certs.caCert}`, ...other, '-connect-timeout=1s')).toEqual(refused(server));
  });
});
