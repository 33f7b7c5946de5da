import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { requireCliBundle, requireServerBundle } from '../support/prerequisites';
import { runCli, startServerProcess, type RunResult, type ServerProcess } from '../support/processes';
import { makeTempDir, type TempDir } from '../support/temp-dir';

// users-cli against users-server over TLS and mTLS, with certificates made
// for the occasion (test/support/certificates.ts). Every refusal is one line.

let certs: TestCertificates;
let home: TempDir;
const cli = (args: string[]) => runCli(args, { env: { HOME: home.path }, timeoutMs: 15_000 });
const serving: RunResult = { code: 0, stdout: 'SERVING\n', stderr: '' };
const failure = (message: string): RunResult => ({ code: 1, stdout: '', stderr: `users-cli: ${message}\n` });

beforeAll(() => {
  requireServerBundle();
  requireCliBundle();
  certs = makeTestCertificates();
  home = makeTempDir('users-cli-tls-home-');
});
afterAll(() => {
  certs.cleanup();
  home.cleanup();
});

describe('TLS server', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess([`--tls-cert-file=${certs.serverCert}`, `--tls-key-file=${certs.serverKey}`]);
  });
  afterAll(() => server.stop());

  test('--cacert: the server certificate is verified, for 127.0.0.1 and for localhost', async () => {
    expect(await cli(['health', `--cacert=${certs.caCert}`, `--address=${server.address}`])).toEqual(serving);
    expect(await cli(['health', `--cacert=${certs.caCert}`, `--address=localhost:${server.port}`])).toEqual(serving);
  });

  test('commands work over TLS', async () => {
    const result = await cli(['search', '--name=mael', `--cacert=${certs.caCert}`, `--address=${server.address}`]);
    expect(result).toEqual({ code: 0, stdout: 'Maël Valadier <mael.valadier@example.com> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n', stderr: '' });
  });

  test('--servername verifies against another name the certificate holds', async () => {
    expect(await cli(['health', `--cacert=${certs.caCert}`, '--servername=localhost', `--address=${server.address}`])).toEqual(serving);
  });

  test('a server certificate from an unknown CA', async () => {
    const expected = failure(
      `cannot reach ${server.address}: TLS: the server certificate is not trusted (unable to verify the first certificate): give its CA with --cacert`,
    );
    expect(await cli(['health', `--cacert=${certs.otherCaCert}`, `--address=${server.address}`])).toEqual(expected);
    // Without --cacert, the system CAs do not know the test CA either.
    expect(await cli(['health', '--tls', `--address=${server.address}`])).toEqual(expected);
  });

  test('a wrong server name', async () => {
    expect(await cli(['health', `--cacert=${certs.caCert}`, '--servername=wrong.example', `--address=${server.address}`])).toEqual(
      failure(`cannot reach ${server.address}: TLS: the server certificate is not valid for wrong.example (it is for DNS:localhost, IP Address:127.0.0.1): see --servername`),
    );
  });

  test('plaintext to a TLS server', async () => {
    expect(await cli(['health', `--address=${server.address}`])).toEqual(
      failure(`cannot reach ${server.address}: the server closed the connection (does it expect TLS? see --tls)`),
    );
  });

  test('an unreadable --cacert: a usage error naming the file', async () => {
    const missing = `${certs.dir}/missing.crt`;
    expect(await cli(['health', `--cacert=${missing}`, `--address=${server.address}`])).toEqual({
      code: 2,
      stdout: '',
      stderr: `users-cli: invalid --cacert "${missing}": no such file\n`,
    });
    const notPem = home.write('not-a-cert.txt', 'hello\n');
    expect(await cli(['health', `--cacert=${notPem}`, `--address=${server.address}`])).toEqual({
      code: 2,
      stdout: '',
      stderr: `users-cli: invalid --cacert "${notPem}": not a PEM file\n`,
    });
  });
});

describe('mTLS server', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess([`--tls-cert-file=${certs.serverCert}`, `--tls-key-file=${certs.serverKey}`, `--tls-client-ca-file=${certs.caCert}`]);
  });
  afterAll(() => server.stop());

  test('a client certificate signed by the trusted CA', async () => {
    expect(await cli(['health', `--cacert=${certs.caCert}`, `--cert=${certs.clientCert}`, `--key=${certs.clientKey}`, `--address=${server.address}`])).toEqual(serving);
    const get = await cli(['get', 'mael.valadier@example.com', `--cacert=${certs.caCert}`, `--cert=${certs.clientCert}`, `--key=${certs.clientKey}`, `--address=${server.address}`]);
    expect(get).toEqual({ code: 0, stdout: 'Maël Valadier <mael.valadier@example.com> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n', stderr: '' });
  });

  test('no client certificate', async () => {
    expect(await cli(['health', `--cacert=${certs.caCert}`, `--address=${server.address}`])).toEqual(
      failure(`cannot reach ${server.address}: TLS: the server requires a client certificate: give one with --cert and --key`),
    );
  });

  test('a client certificate from a CA the server does not trust', async () => {
    // The server drops the connection after the handshake without an alert.
    expect(await cli(['health', `--cacert=${certs.caCert}`, `--cert=${certs.otherClientCert}`, `--key=${certs.otherClientKey}`, `--address=${server.address}`])).toEqual(
      failure(`cannot reach ${server.address}: the server closed the connection after the TLS handshake: does it trust the CA of the client certificate (--cert)?`),
    );
  });

  test('--cert without --key', async () => {
    expect(await cli(['health', `--cacert=${certs.caCert}`, `--cert=${certs.clientCert}`, `--address=${server.address}`])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'users-cli: --cert needs --key too\n',
    });
  });
});
