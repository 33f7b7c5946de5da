import { X509Certificate, createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { readFileUpTo } from '../shared/bounded-read';
import { isKeyOf, MAX_PEM_FILE_BYTES, PemFileError, readCertificates, readPrivateKey } from '../shared/pem-file';
import type { Logger } from '../shared/logger';
import type { TlsFiles } from './tls-files';
import { secureContextOptions, type ReloadableServerCredentials } from './credentials';

/** Several files change together (cert-manager, kubelet's Secret swap): read them once things settle. */
const SETTLE_MS = 200;

export interface TlsReloader {
  close(): void;
}

/**
 * Watches the folders of the certificate, key and client CA files, and on any
 * change reloads them into the credentials, without a restart and without
 * dropping connections. Folders, not files: Kubernetes replaces a Secret's files
 * by swapping a symlink, which a watch on the old file never sees.
 *
 * One info line per reload; one warning naming the file when the new files are
 * unusable, and the current certificate stays.
 */
export function watchTlsFiles(initial: TlsFiles, credentials: ReloadableServerCredentials, logger: Logger): TlsReloader {
  const { paths } = initial;
  let current = { cert: initial.cert, key: initial.key, clientCa: initial.clientCa };
  let timer: NodeJS.Timeout | undefined;
  // The files behind the last failure: the same broken files are reported once, however many events they cause.
  let failedFiles: string | undefined;
  const fail = (file: string, reason: string) => {
    const files = fingerprint(paths);
    if (files === failedFiles) return;
    failedFiles = files;
    logger.warn('TLS reload failed: keeping the current certificate', { file, error: reason });
  };

  const reload = () => {
    timer = undefined;
    let next: typeof current;
    try {
      next = readAndCheck(paths);
    } catch (error) {
      const { file, reason } = error as ReloadError;
      return fail(file, reason);
    }
    const same = next.cert.equals(current.cert) && next.key.equals(current.key) && sameBuffer(next.clientCa, current.clientCa);
    // Good files again: the next breakage is news, even if it is the same as the last.
    failedFiles = undefined;
    if (same) return logger.debug('TLS files unchanged: the certificate in use stays', { file: paths.cert });
    try {
      credentials.replace(secureContextOptions(next));
    } catch (error) {
      return fail(paths.key, (error as Error).message);
    }
    current = next;
    const certificate = new X509Certificate(next.cert);
    logger.info('TLS certificate reloaded', { file: paths.cert, subject: certificate.subject.replace(/\n/g, ', '), not_after: new Date(certificate.validTo).toISOString() });
  };

  const folders = [...new Set([paths.cert, paths.key, ...(paths.clientCa ? [paths.clientCa] : [])].map((file) => path.dirname(file)))];
  const watchers: FSWatcher[] = folders.map((folder) =>
    watch(folder, { persistent: false }, () => {
      clearTimeout(timer);
      timer = setTimeout(reload, SETTLE_MS);
    }).on('error', (error) => logger.warn('TLS files no longer watched', { file: folder, error: error.message })),
  );

  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

interface ReloadError {
  file: string;
  reason: string;
}

/** Reads the files and checks each, throwing a ReloadError that names the bad one. */
function readAndCheck(paths: TlsFiles['paths']): { cert: Buffer; key: Buffer; clientCa: Buffer | undefined } {
  const read = (file: string, readFile: (file: { path: string; source: string }) => Buffer): Buffer => {
    try {
      return readFile({ path: file, source: 'file' });
    } catch (error) {
      throw { file, reason: reasonOf(error as Error) } satisfies ReloadError;
    }
  };
  const cert = read(paths.cert, readCertificates);
  const key = read(paths.key, readPrivateKey);
  if (!isKeyOf(cert, key)) throw { file: paths.key, reason: `not the key of ${paths.cert}` } satisfies ReloadError;
  const clientCa = paths.clientCa === undefined ? undefined : read(paths.clientCa, readCertificates);
  return { cert, key, clientCa };
}

/** Why a file cannot be used, without its path: the path has a field of its own. */
function reasonOf(error: Error): string {
  return error instanceof PemFileError ? error.reason : error.message;
}

/** What the files hold now (or that they cannot be read), to tell one broken update from the next. */
function fingerprint(paths: TlsFiles['paths']): string {
  const hash = createHash('sha256');
  for (const file of [paths.cert, paths.key, paths.clientCa]) {
    if (file === undefined) continue;
    try {
      hash.update(readFileUpTo(file, MAX_PEM_FILE_BYTES));
    } catch (error) {
      hash.update(`unreadable: ${(error as NodeJS.ErrnoException).code}`);
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

function sameBuffer(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.equals(b);
}
