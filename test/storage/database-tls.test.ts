import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { TLSSocket } from 'node:tls';
import { PgDriver } from '../../src/repository/sql/pg-driver';
import { postgresClientConfig } from '../../src/repository/sql/postgres-client-config';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { requireServerBundle } from '../support/prerequisites';
import { run, SERVER_BIN } from '../support/processes';

// TLS with the database refused: one line naming the host and the setting to fix (Node's own words name neither).

let certs: TestCertificates;
beforeAll(() => {
  requireServerBundle();
  certs = makeTestCertificates();
  // Server certificates signed by the CA: one whose validity ended yesterday, one for another name.
  const file = (name: string) => path.join(certs.dir, name);
  const leaf = (name: string, days: string, altName: string) => {
    execFileSync('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`)], { stdio: 'ignore' });
    writeFileSync(file(`${name}.ext`), `subjectAltName=${altName}\nextendedKeyUsage=serverAuth\n`);
    const signing = ['-CA', certs.caCert, '-CAkey', file('ca.key'), '-CAcreateserial', '-days', days, '-out', file(`${name}.crt`), '-extfile', file(`${name}.ext`)];
    execFileSync('openssl', ['x509', '-req', '-in', file(`${name}.csr`), ...signing], { stdio: 'ignore' });
  };
  leaf('expired', '-1', 'IP:127.0.0.1');
  leaf('elsewhere', '2', 'DNS:db.internal');
});
afterAll(() => certs.cleanup());

interface Identity {
  cert: string;
  key: string;
  /** TLS 1.2, where a missing client certificate fails the handshake itself. */
  requireClientCert?: boolean;
}

/**
 * PostgreSQL as far as TLS goes: it answers the client's SSLRequest with N
 * (no TLS) or S, then a TLS handshake with `identity`; nothing past it.
 */
async function tlsEndpoint(identity?: Identity): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', () => {
      if (identity === undefined) return void socket.write('N');
      socket.write('S');
      const clientCert = identity.requireClientCert ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(certs.caCert), secureContext: undefined } : {};
      new TLSSocket(socket, { isServer: true, cert: readFileSync(identity.cert), key: readFileSync(identity.key), ...clientCert, ...(identity.requireClientCert && { maxVersion: 'TLSv1.2' }) }).on('error', () => {});
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as { port: number }).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** The error a query gets through the driver, and whether the driver counts it an outage. */
async function failure(url: string, env: NodeJS.ProcessEnv = {}): Promise<{ message: string; unavailable: boolean }> {
  const driver = new PgDriver(postgresClientConfig(url, env), 1, 'test');
  try {
    const error = (await driver.query('SELECT 1').catch((e: unknown) => e)) as Error;
    return { message: error.message, unavailable: driver.isUnavailable(error) };
  } finally {
    await driver.close();
  }
}

test.each<[string, (c: TestCertificates) => Identity | undefined, (c: TestCertificates) => string, (c: TestCertificates) => NodeJS.ProcessEnv, string]>([
  [
    'no CA given for verify-full',
    (c) => ({ cert: c.serverCert, key: c.serverKey }),
    () => 'sslmode=verify-full',
    () => ({}),
    "its certificate is not trusted (unable to verify the first certificate): set sslrootcert (or PGSSLROOTCERT) to the CA that signed it",
  ],
  [
    'another CA in PGSSLROOTCERT',
    (c) => ({ cert: c.serverCert, key: c.serverKey }),
    () => 'sslmode=verify-ca',
    (c) => ({ PGSSLROOTCERT: c.otherCaCert }),
    'its certificate is not signed by the CA in sslrootcert (or PGSSLROOTCERT) (unable to verify the first certificate): give the CA that signed it',
  ],
  [
    'a certificate for another name',
    (c) => ({ cert: path.join(c.dir, 'elsewhere.crt'), key: path.join(c.dir, 'elsewhere.key') }),
    (c) => `sslmode=verify-full&sslrootcert=${c.caCert}`,
    () => ({}),
    "its certificate is for another name (Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list): connect by a name the certificate holds, or use sslmode=verify-ca to check the CA only",
  ],
  [
    'a client certificate as the server\'s',
    (c) => ({ cert: c.clientCert, key: c.clientKey }),
    (c) => `sslmode=verify-full&sslrootcert=${c.caCert}`,
    () => ({}),
    'its certificate is not for a server (unsuitable certificate purpose): the server needs one with extendedKeyUsage serverAuth',
  ],
  [
    'a server that requires a client certificate, none given',
    (c) => ({ cert: c.serverCert, key: c.serverKey, requireClientCert: true }),
    (c) => `sslmode=verify-full&sslrootcert=${c.caCert}`,
    () => ({}),
    "the handshake failed (sslv3 alert handshake failure): check sslcert and sslkey (or PGSSLCERT, PGSSLKEY) and the server's ssl settings",
  ],
  [
    'an expired certificate',
    (c) => ({ cert: path.join(c.dir, 'expired.crt'), key: path.join(c.dir, 'expired.key') }),
    (c) => `sslmode=verify-full&sslrootcert=${c.caCert}`,
    () => ({}),
    'its certificate is not valid now (certificate has expired): the server needs a current one',
  ],
  [
    'a server without TLS',
    () => undefined,
    () => '',
    () => ({ PGSSLMODE: 'require' }),
    'the server does not support TLS: turn ssl on in the server, or set sslmode=disable (in the URL or PGSSLMODE) to connect in plain text',
  ],
])('%s: one line naming the host and the setting; counted as the database unavailable', async (_, identity, query, env, message) => {
  const endpoint = await tlsEndpoint(identity(certs));
  try {
    const url = `postgres://app:hunter2@127.0.0.1:${endpoint.port}/users${query(certs) ? `?${query(certs)}` : ''}`;
    expect(await failure(url, env(certs))).toEqual({ message: `TLS with the database at 127.0.0.1:${endpoint.port}: ${message}`, unavailable: true });
  } finally {
    await endpoint.close();
  }
});

test('users-server cannot start: the one line names the URL, the host and the setting; exit 1', async () => {
  const endpoint = await tlsEndpoint({ cert: certs.serverCert, key: certs.serverKey });
  try {
    const url = `postgres://app:hunter2@127.0.0.1:${endpoint.port}/users?sslmode=verify-full`;
    expect(await run(process.execPath, [SERVER_BIN, '--address=127.0.0.1:0', '--metrics-address=', `--database-url=${url}`])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `users-server: cannot start: database unavailable (postgres://app:***@127.0.0.1:${endpoint.port}/users?sslmode=verify-full): ` +
        `TLS with the database at 127.0.0.1:${endpoint.port}: its certificate is not trusted (unable to verify the first certificate): set sslrootcert (or PGSSLROOTCERT) to the CA that signed it\n`,
    });
  } finally {
    await endpoint.close();
  }
});

test('users-server cannot start when sslrootcert is a private key (Node would skip it and fail in the handshake): exit 1', async () => {
  const url = `postgres://app:hunter2@127.0.0.1:1/users?sslmode=verify-full&sslrootcert=${certs.serverKey}`;
  expect(await run(process.execPath, [SERVER_BIN, '--address=127.0.0.1:0', '--metrics-address='], { env: { DATABASE_URL: url } })).toEqual({
    code: 1,
    stdout: '',
    stderr: `users-server: cannot start: invalid sslrootcert of the database URL "${certs.serverKey}": expected a CERTIFICATE, the file holds a PRIVATE KEY\n`,
  });
});
