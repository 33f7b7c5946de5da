import { execFileSync } from 'node:child_process';
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
    // A --cacert that did not sign it: the message names the CA given, and asks for no other.
    expect(await cli(['health', `--cacert=${certs.otherCaCert}`, `--address=${server.address}`])).toEqual(
      failure(`cannot reach ${server.address}: TLS: the server certificate is not signed by the CA in --cacert ${certs.otherCaCert} (unable to verify the first certificate)`),
    );
    // Without --cacert, the system CAs do not know the test CA either.
    expect(await cli(['health', '--tls', `--address=${server.address}`])).toEqual(
      failure(`cannot reach ${server.address}: TLS: the server certificate is not signed by the system CAs (unable to verify the first certificate): give its CA with --cacert`),
    );
  });

  test('a wrong server name', async () => {
    expect(await cli(['health', `--cacert=${certs.caCert}`, '--servername=wrong.example', `--address=${server.address}`])).toEqual(
      failure(`cannot reach ${server.address}: TLS: the server certificate is not valid for wrong.example (it is for DNS:localhost, IP Address:127.0.0.1): see --servername`),
    );
  });

  test('plaintext to a TLS server', async () => {
    expect(await cli(['health', `--address=${server.address}`])).toEqual(
      failure(`cannot reach ${server.address}: the server closed the connection: does it expect TLS (see --tls), or is it at its connection limit (--max-connections)?`),
    );
  });

  test('an unreadable --cacert: a usage error naming the file', async () => {
    const missing = `${certs.dir}/missing.crt`;
    expect(await cli(['health', `--cacert=${missing}`, `--address=${server.address}`])).toEqual({
      code: 2,
      stdout: '',
      stderr: `users-cli: invalid --cacert "${missing}": no such file\n`,
    });
    // A private key given as the CA: said plainly, not "self-signed certificate in certificate chain".
    expect(await cli(['health', `--cacert=${certs.clientKey}`, `--address=${server.address}`])).toEqual({
      code: 2,
      stdout: '',
      stderr: `users-cli: invalid --cacert "${certs.clientKey}": expected a CERTIFICATE, the file holds a PRIVATE KEY\n`,
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
      failure(`cannot reach ${server.address}: the server closed the connection: does it trust the CA of the client certificate (--cert), or is it at its connection limit (--max-connections)?`),
    );
  });

  test('--cert without --key', async () => {
    expect(await cli(['health', `--cacert=${certs.caCert}`, `--cert=${certs.clientCert}`, `--address=${server.address}`])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'users-cli: --cert needs a key too (--key, USERS_CLI_KEY or key in the config file)\n',
    });
  });
});

describe('a self-signed server certificate', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    const [cert, key] = [`${certs.dir}/self-signed.crt`, `${certs.dir}/self-signed.key`];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    server = await startServerProcess([`--tls-cert-file=${cert}`, `--tls-key-file=${key}`]);
  });
  afterAll(() => server.stop());

  test('says it is self-signed, and what to do', async () => {
    expect(await cli(['health', '--tls', `--address=${server.address}`])).toEqual(
      failure(`cannot reach ${server.address}: TLS: the server certificate is self-signed: give it with --cacert to trust it`),
    );
    expect(await cli(['health', `--cacert=${certs.otherCaCert}`, `--address=${server.address}`])).toEqual(
      failure(`cannot reach ${server.address}: TLS: the server certificate is self-signed, and is not the one in --cacert ${certs.otherCaCert}`),
    );
  });
});

// A Go users-cli user's config file and variables, unchanged, against each kind of server.
describe('Go CLI config files and variables', () => {
  const mael = 'Maël Valadier <mael.valadier@example.com> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n';
  const coloured = '\x1b[1m\x1b[33mMaël\x1b[39m\x1b[22m \x1b[1m\x1b[33mValadier\x1b[39m\x1b[22m <\x1b[32mmael.valadier@example.com\x1b[39m> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n';
  let plain: ServerProcess;
  let tlsServer: ServerProcess;
  let mtlsServer: ServerProcess;
  beforeAll(async () => {
    // One after another: if one cannot start (no certificates because the bundles are stale), none is left running.
    plain = await startServerProcess();
    tlsServer = await startServerProcess([`--tls-cert-file=${certs.serverCert}`, `--tls-key-file=${certs.serverKey}`]);
    mtlsServer = await startServerProcess([`--tls-cert-file=${certs.serverCert}`, `--tls-key-file=${certs.serverKey}`, `--tls-client-ca-file=${certs.caCert}`]);
  });
  afterAll(() => Promise.all([plain?.stop(), tlsServer?.stop(), mtlsServer?.stop()]));

  /** A home directory with this ~/.users-cli.yml (or .yaml). */
  const homeWith = (config: string, name = '.users-cli.yml') => {
    const dir = makeTempDir('users-cli-go-home-');
    dir.write(name, config);
    return dir;
  };
  const run = async (config: string | undefined, args: string[], env: NodeJS.ProcessEnv = {}, name?: string) => {
    const dir = config === undefined ? home : homeWith(config, name);
    try {
      return await runCli(args, { env: { HOME: dir.path, ...env }, timeoutMs: 15_000 });
    } finally {
      if (dir !== home) dir.cleanup();
    }
  };
  const get = ['get', 'mael.valadier@example.com'];

  test('plaintext: cleartext: true, as every plaintext Go user has', async () => {
    expect(await run(`address: ${plain.address}\ncleartext: true\ncolor: never\n`, get)).toEqual({ code: 0, stdout: mael, stderr: '' });
    expect(await run(`address: ${plain.address}\ncleartext: true\ncolor: always\n`, get)).toEqual({ code: 0, stdout: coloured, stderr: '' });
    expect(await run(`address: ${plain.address}\ncleartext: true\n`, get, {}, '.users-cli.yaml')).toEqual({ code: 0, stdout: mael, stderr: '' });
  });

  test('plaintext: ADDRESS, CLEARTEXT and COLOR', async () => {
    expect(await run(undefined, get, { ADDRESS: plain.address, CLEARTEXT: 'true', COLOR: 'always' })).toEqual({ code: 0, stdout: coloured, stderr: '' });
    expect(await run(undefined, get, { ADDRESS: plain.address, CLEARTEXT: '1', COLOR: 'never' })).toEqual({ code: 0, stdout: mael, stderr: '' });
  });

  test('TLS: cacert and servername keys (TLS because cleartext is not set, as in the Go CLI)', async () => {
    const config = `address: 127.0.0.1:${tlsServer.port}\ncacert: ${certs.caCert}\nservername: localhost\n`;
    expect(await run(config, get)).toEqual({ code: 0, stdout: mael, stderr: '' });
    expect(await run(`${config}cleartext: false\n`, get)).toEqual({ code: 0, stdout: mael, stderr: '' });
  });

  test('TLS: cleartext: false alone means the system CAs, which do not know the test CA', async () => {
    expect(await run(`address: ${tlsServer.address}\ncleartext: false\n`, ['health'])).toEqual(
      failure(`cannot reach ${tlsServer.address}: TLS: the server certificate is not signed by the system CAs (unable to verify the first certificate): give its CA with --cacert`),
    );
  });

  test('TLS: CACERT and SERVERNAME, as `CACERT=ca.crt users-cli list` in the Go CLI', async () => {
    expect(await run(undefined, get, { ADDRESS: tlsServer.address, CACERT: certs.caCert, SERVERNAME: 'localhost' })).toEqual({ code: 0, stdout: mael, stderr: '' });
    expect(await run(undefined, ['health'], { ADDRESS: tlsServer.address, CACERT: certs.caCert, CLEARTEXT: 'false' })).toEqual(serving);
  });

  test('mTLS: every key of the file', async () => {
    const config =
      `address: ${mtlsServer.address}\ntls: true\ncacert: ${certs.caCert}\ncert: ${certs.clientCert}\nkey: ${certs.clientKey}\n` +
      'servername: localhost\ncolor: never\ntimeout: 5s\noutput: jsonl\n';
    const result = await run(config, get);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ email: 'mael.valadier@example.com', age: 34 });
  });

  test('mTLS: every variable', async () => {
    const env = {
      ADDRESS: mtlsServer.address,
      CACERT: certs.caCert,
      SERVERNAME: 'localhost',
      COLOR: 'never',
      USERS_CLI_TLS: 'true',
      USERS_CLI_CERT: certs.clientCert,
      USERS_CLI_KEY: certs.clientKey,
      USERS_CLI_TIMEOUT: '5s',
      USERS_CLI_OUTPUT: 'yaml',
    };
    const result = await run(undefined, get, env);
    expect(result).toEqual({ code: 0, stdout: 'id: sample-01\nage: 34\nname:\n  first: Maël\n  last: Valadier\nemail: mael.valadier@example.com\nphone: +33 6 12 48 90 17\naddress: 12 rue des Tanneurs, Lyon, 69002\n', stderr: '' });
    const configFile = home.write('go-style.yml', `address: ${mtlsServer.address}\ncacert: ${certs.caCert}\ncert: ${certs.clientCert}\nkey: ${certs.clientKey}\n`);
    expect(await run(undefined, ['health'], { USERS_CLI_CONFIG: configFile })).toEqual(serving);
  });

  test('a flag beats the variable, which beats the file; -v says which', async () => {
    const config = `address: 127.0.0.1:1\ncleartext: true\n`;
    const result = await run(config, ['health', '-v', `--cacert=${certs.caCert}`], { ADDRESS: tlsServer.address });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`users-cli: debug: address ${tlsServer.address} (from ADDRESS)\n`);
    expect(result.stderr).toContain(`users-cli: debug: TLS (from --cacert): CA ${certs.caCert} (from --cacert)\n`);
  });
});
