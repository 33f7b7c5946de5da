import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect } from 'node:tls';
import { ChannelCredentials } from '@grpc/grpc-js';
import { ClientError, Status, createChannel, createClient } from 'nice-grpc';
import { Status_StatusCode, UserServiceDefinition } from '../../gen/user/user';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { countConnections } from '../support/connection-counter';
import { startServerProcess, type ServerProcess } from '../support/processes';

// The server's TLS files laid out as kubelet mounts a Secret (and as cert-manager
// rotates it): tls.crt -> ..data/tls.crt, ..data -> a timestamped folder; an update
// writes a new folder and swaps ..data atomically.

let certs: TestCertificates;
let mount: string;
let version = 0;
let server: ServerProcess;

/** A second server certificate from the same CA, for localhost, with its own key. */
function reissue(name: string): { cert: string; key: string } {
  const file = (f: string) => path.join(certs.dir, f);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(file(`${name}.ext`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`));
  openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', certs.caCert, '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2',
    '-out', file(`${name}.crt`), '-extfile', file(`${name}.ext`));
  return { cert: file(`${name}.crt`), key: file(`${name}.key`) };
}

type SecretFiles = { 'tls.crt': Buffer | string; 'tls.key': Buffer | string; 'ca.crt'?: Buffer | string };

/** Writes a new version of the Secret and swaps it in at once, as kubelet does. */
function updateSecret(files: SecretFiles, into = mount): void {
  version += 1;
  const folder = path.join(into, `..v${version}`);
  mkdirSync(folder);
  for (const [name, contents] of Object.entries(files)) writeFileSync(path.join(folder, name), contents);
  symlinkSync(`..v${version}`, path.join(into, '..data_tmp'));
  renameSync(path.join(into, '..data_tmp'), path.join(into, '..data'));
}

/** A folder laid out as a mounted Secret, with these files. */
function mountSecret(name: string, files: SecretFiles): string {
  const folder = path.join(certs.dir, name);
  mkdirSync(folder);
  updateSecret(files, folder);
  for (const file of Object.keys(files)) symlinkSync(`..data/${file}`, path.join(folder, file));
  return folder;
}

/** The certificate a new TLS client is given (its subject's CN). */
async function servedCertificate(): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: readFileSync(certs.caCert), ALPNProtocols: ['h2'] });
  await once(socket, 'secureConnect');
  const { subject } = socket.getPeerCertificate();
  socket.destroy();
  return `CN=${subject.CN}`;
}

const logLines = (pattern: RegExp) => server.output().split('\n').filter((line) => pattern.test(line));

beforeAll(async () => {
  certs = makeTestCertificates();
  mount = mountSecret('mount', { 'tls.crt': readFileSync(certs.serverCert), 'tls.key': readFileSync(certs.serverKey) });
  server = await startServerProcess([`--tls-cert-file=${mount}/tls.crt`, `--tls-key-file=${mount}/tls.key`, '--samples=false']);
});

afterAll(async () => {
  await server?.stop();
  certs?.cleanup();
});

test('replacing the files changes what a new TLS client sees, without a restart or dropping a connection', async () => {
  expect(await servedCertificate()).toBe('CN=server');
  const channel = createChannel(`localhost:${server.port}`, ChannelCredentials.createSsl(readFileSync(certs.caCert)));
  const connections = countConnections(channel);
  const client = createClient(UserServiceDefinition, channel);
  try {
    expect((await client.list({})).status!.code).toBe(Status_StatusCode.SUCCESS);

    const renewed = reissue('renewed');
    updateSecret({ 'tls.crt': readFileSync(renewed.cert), 'tls.key': readFileSync(renewed.key) });
    const line = JSON.parse(await server.waitForLine(/TLS certificate reloaded/));
    expect(line).toMatchObject({
      level: 'info',
      message: 'TLS certificate reloaded',
      file: `${mount}/tls.crt`,
      subject: 'CN=renewed',
      not_after: new Date(new X509Certificate(readFileSync(renewed.cert)).validTo).toISOString(),
    });
    expect(await servedCertificate()).toBe('CN=renewed');

    // The connection made before the reload carries on.
    expect((await client.list({})).status!.code).toBe(Status_StatusCode.SUCCESS);
    expect(connections.count()).toBe(1);
    expect(server.child.exitCode).toBeNull();
    expect(logLines(/users-server started/)).toHaveLength(1);
    expect(logLines(/TLS certificate reloaded/)).toHaveLength(1);
  } finally {
    channel.close();
  }
});

test('a key that is not the certificate\'s: the old certificate stays, one line names the key file', async () => {
  const stranger = reissue('stranger');
  updateSecret({ 'tls.crt': readFileSync(path.join(certs.dir, 'renewed.crt')), 'tls.key': readFileSync(stranger.key) });
  const line = JSON.parse(await server.waitForLine(/"file":"[^"]*\/tls\.key".*"message":"TLS reload failed/));
  expect(line).toMatchObject({
    level: 'warn',
    message: 'TLS reload failed: keeping the current certificate',
    file: `${mount}/tls.key`,
    error: `not the key of ${mount}/tls.crt`,
  });
  expect(await servedCertificate()).toBe('CN=renewed');
});

test('a certificate file that is not PEM: the old certificate stays, one line names the certificate file', async () => {
  updateSecret({ 'tls.crt': 'not a certificate\n', 'tls.key': readFileSync(path.join(certs.dir, 'renewed.key')) });
  const line = JSON.parse(await server.waitForLine(/"file":"[^"]*\/tls\.crt".*"message":"TLS reload failed/));
  expect(line).toMatchObject({ level: 'warn', message: 'TLS reload failed: keeping the current certificate', file: `${mount}/tls.crt`, error: 'not a PEM file' });
  expect(await servedCertificate()).toBe('CN=renewed');
  expect(logLines(/TLS reload failed/)).toHaveLength(2);
  expect(logLines(/TLS certificate reloaded/)).toHaveLength(1);
});

test('mTLS: a new client CA in the Secret decides the next handshakes', async () => {
  const pem = (file: string) => readFileSync(file);
  const folder = mountSecret('mtls', { 'tls.crt': pem(certs.serverCert), 'tls.key': pem(certs.serverKey), 'ca.crt': pem(certs.caCert) });
  const mtls = await startServerProcess([`--tls-cert-file=${folder}/tls.crt`, `--tls-key-file=${folder}/tls.key`, `--tls-client-ca-file=${folder}/ca.crt`]);
  /** A new connection with this client certificate: served, or the gRPC code it failed with. */
  const listWith = async (clientKey: string, clientCert: string) => {
    const channel = createChannel(`localhost:${mtls.port}`, ChannelCredentials.createSsl(pem(certs.caCert), pem(clientKey), pem(clientCert)));
    try {
      return await createClient(UserServiceDefinition, channel)
        .list({})
        .then(() => 'served', (error: ClientError) => Status[error.code]);
    } finally {
      channel.close();
    }
  };
  try {
    expect(await listWith(certs.clientKey, certs.clientCert)).toBe('served');
    expect(await listWith(certs.otherClientKey, certs.otherClientCert)).toBe('UNAVAILABLE');

    updateSecret({ 'tls.crt': pem(certs.serverCert), 'tls.key': pem(certs.serverKey), 'ca.crt': pem(certs.otherCaCert) }, folder);
    await mtls.waitForLine(/TLS certificate reloaded/);

    expect(await listWith(certs.otherClientKey, certs.otherClientCert)).toBe('served');
    expect(await listWith(certs.clientKey, certs.clientCert)).toBe('UNAVAILABLE');
  } finally {
    await mtls.stop();
  }
});
