import { requireServerBundle, requireTool } from '../support/prerequisites';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { run, startServerProcess, type ServerProcess } from '../support/processes';

// The TLS flags wired end to end, checked with grpc-health-probe's TLS options.
let probe: string;
let certs: TestCertificates;
beforeAll(() => {
  requireServerBundle();
  probe = requireTool('grpc-health-probe');
  certs = makeTestCertificates();
});
afterAll(() => certs.cleanup());

// The probe retries a refused handshake until its connect timeout, then exits 2.
const refused = (server: ServerProcess) => ({ code: 2, stdout: '', stderr: `timeout: failed to connect service "${server.address}" within 1s\n` });
const check = (server: ServerProcess, ...args: string[]) => run(probe, [`-addr=${server.address}`, ...args]);

describe('--tls-cert-file and --tls-key-file', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess([`--tls-cert-file=${certs.serverCert}`, `--tls-key-file=${certs.serverKey}`]);
  });
  afterAll(() => server.stop());

  test('the start-up line says tls', () => {
    expect(server.output()).toMatch(/"tls":"tls"/);
  });

  test('a client trusting the CA: SERVING', async () => {
    expect(await check(server, '-tls', `-tls-ca-cert=${certs.caCert}`)).toEqual({ code: 0, stdout: '', stderr: 'status: SERVING\n' });
  });

  test('a client trusting another CA is refused', async () => {
    expect(await check(server, '-tls', `-tls-ca-cert=${certs.otherCaCert}`, '-connect-timeout=1s')).toEqual(refused(server));
  });

  test('a plaintext client is refused', async () => {
    expect(await check(server, '-connect-timeout=1s')).toEqual(refused(server));
  });
});

describe('--tls-client-ca-file too: mTLS', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess([`--tls-cert-file=${certs.serverCert}`, `--tls-key-file=${certs.serverKey}`, `--tls-client-ca-file=${certs.caCert}`]);
  });
  afterAll(() => server.stop());

  test('the start-up line says mtls', () => {
    expect(server.output()).toMatch(/"tls":"mtls"/);
  });

  test('a client with a certificate signed by the client CA: SERVING', async () => {
    expect(await check(server, '-tls', `-tls-ca-cert=${certs.caCert}`, `-tls-client-cert=${certs.clientCert}`, `-tls-client-key=${certs.clientKey}`)).toEqual({
      code: 0,
      stdout: '',
      stderr: 'status: SERVING\n',
    });
  });

  test('a client without a certificate is refused', async () => {
    expect(await check(server, '-tls', `-tls-ca-cert=${certs.caCert}`, '-connect-timeout=1s')).toEqual(refused(server));
  });

  test('a client with a certificate from another CA is refused', async () => {
    const other = [`-tls-client-cert=${certs.otherClientCert}`, `-tls-client-key=${certs.otherClientKey}`];
    expect(await check(server, '-tls', `-tls-ca-cert=${certs.caCert}`, ...other, '-connect-timeout=1s')).toEqual(refused(server));
  });
});
