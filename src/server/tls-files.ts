import { createSecureContext } from 'node:tls';
import { UnusableFileError } from '../shared/config-error';
import { readCertificates, readKeyPair, type NamedFile } from '../shared/pem-file';
import { quote } from '../shared/quote';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  /** With a client CA, clients must present a certificate it signed (mTLS). */
  clientCa?: Buffer;
  /** Where they were read from: the server watches these files and reloads them. */
  paths: { cert: string; key: string; clientCa?: string };
}

/**
 * Reads and checks the server's TLS files at start-up, as OpenSSL will parse
 * them: a garbage CA or a key that does not match its certificate would
 * otherwise start a server that refuses every client.
 */
export function readTlsFiles(cert: NamedFile, key: NamedFile, clientCa?: NamedFile): TlsFiles {
  const files = {
    ...readKeyPair(cert, key),
    clientCa: clientCa && readCertificates(clientCa),
    paths: { cert: cert.path, key: key.path, clientCa: clientCa?.path },
  };
  // What grpc-js will do with them: anything OpenSSL still refuses is said here, in one line.
  try {
    createSecureContext({ cert: files.cert, key: files.key, ca: files.clientCa });
  } catch (error) {
    const reason = (error as Error).message.replace(/\s*\n\s*/g, ' ');
    throw new UnusableFileError(`invalid ${cert.source} ${quote(cert.path)}: not usable for TLS (${reason})`);
  }
  return files;
}
