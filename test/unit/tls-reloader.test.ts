import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReloadableServerCredentials } from '../../src/server/credentials';
import { watchTlsFiles, type TlsReloader } from '../../src/server/tls-reloader';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { fieldsOf } from '../support/log-lines';
import { memoryLogger } from '../support/silent-logger';
import { makeTempDir, type TempDir } from '../support/temp-dir';

// In-process: the reloader on real files and folder watches, with credentials
// that record what they are given (test/server/tls.test.ts does it through a
// running server and a kubelet-like Secret swap).
let certs: TestCertificates;
let dir: TempDir;
let certFile: string;
let keyFile: string;
let reloader: TlsReloader | undefined;
beforeAll(() => (certs = makeTestCertificates()));
afterAll(() => certs.cleanup());
beforeEach(() => {
  dir = makeTempDir();
  certFile = path.join(dir.path, 'tls.crt');
  keyFile = path.join(dir.path, 'tls.key');
  copyFileSync(certs.serverCert, certFile);
  copyFileSync(certs.serverKey, keyFile);
});
afterEach(() => {
  reloader?.close();
  dir.cleanup();
});

function start(replace: (options: object) => void = () => {}) {
  const logger = memoryLogger();
  const replaced: object[] = [];
  const credentials = {
    replace(options: object) {
      replace(options);
      replaced.push(options);
    },
  } as unknown as ReloadableServerCredentials;
  reloader = watchTlsFiles({ cert: readFileSync(certFile), key: readFileSync(keyFile), paths: { cert: certFile, key: keyFile } }, credentials, logger);
  return { logger, replaced };
}

/** Waits (bounded by the test's timeout) until `condition` holds: reloads follow file events. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

const messages = (logger: ReturnType<typeof memoryLogger>) => logger.lines.map(fieldsOf).filter((l) => l.message !== undefined && String(l.message).startsWith('TLS'));

test('a new certificate and key: handed to the credentials, one info line', async () => {
  const { logger, replaced } = start();
  copyFileSync(certs.clientCert, certFile);
  copyFileSync(certs.clientKey, keyFile);
  await until(() => replaced.length > 0);
  expect(replaced[replaced.length - 1]).toEqual({ cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) });
  // (A reload between the two copies may warn first: the pair matches only once both are there.)
  const infos = () => messages(logger).filter((l) => l.level === 'info');
  await until(() => infos().length > 0);
  expect(infos()[0]).toEqual({ level: 'info', message: 'TLS certificate reloaded', file: certFile, subject: 'CN=client', not_after: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
});

test('a key of another certificate: one warning naming the key file, and the current certificate stays', async () => {
  const { logger, replaced } = start();
  copyFileSync(certs.clientKey, keyFile);
  await until(() => messages(logger).length > 0);
  expect(messages(logger)).toEqual([{ level: 'warn', message: 'TLS reload failed: keeping the current certificate', file: keyFile, error: `not the key of ${certFile}` }]);
  expect(replaced).toEqual([]);
});

test('a certificate file that is not PEM: a warning naming it', async () => {
  const { logger, replaced } = start();
  writeFileSync(certFile, 'not a certificate\n');
  await until(() => messages(logger).length > 0);
  expect(messages(logger)).toEqual([{ level: 'warn', message: 'TLS reload failed: keeping the current certificate', file: certFile, error: 'not a PEM file' }]);
  expect(replaced).toEqual([]);
});

test('files the TLS stack refuses: a warning naming the key file', async () => {
  const { logger } = start(() => {
    throw new Error('error:0A00018F:SSL routines::ee key too small');
  });
  copyFileSync(certs.clientCert, certFile);
  copyFileSync(certs.clientKey, keyFile);
  await until(() => messages(logger).length > 0);
  expect(messages(logger)).toEqual([{ level: 'warn', message: 'TLS reload failed: keeping the current certificate', file: keyFile, error: 'error:0A00018F:SSL routines::ee key too small' }]);
});

test('the same breakage twice, with good files between: warned both times', async () => {
  const { logger } = start();
  const good = readFileSync(certFile);
  const warnings = () => messages(logger).filter((l) => l.level === 'warn');
  writeFileSync(certFile, 'not a certificate\n');
  await until(() => warnings().length === 1);
  writeFileSync(certFile, good);
  await until(() => messages(logger).some((l) => l.message === 'TLS files unchanged: the certificate in use stays'));
  writeFileSync(certFile, 'not a certificate\n');
  await until(() => warnings().length === 2);
  const warning = { level: 'warn', message: 'TLS reload failed: keeping the current certificate', file: certFile, error: 'not a PEM file' };
  expect(warnings()).toEqual([warning, warning]);
});

test('a certificate file grown past 1 MiB (a certificate and junk): refused, never read whole', async () => {
  const { logger, replaced } = start();
  writeFileSync(certFile, Buffer.concat([readFileSync(certFile), Buffer.alloc(2 * 1024 * 1024, 'A')]));
  await until(() => messages(logger).length > 0);
  expect(messages(logger)).toEqual([{ level: 'warn', message: 'TLS reload failed: keeping the current certificate', file: certFile, error: 'larger than 1 MiB' }]);
  expect(replaced).toEqual([]);
});
