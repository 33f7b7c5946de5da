import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { ConfigError } from '../shared/config-error';
import { readPemFile } from '../shared/pem-file';
import { quote } from '../shared/quote';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  /** With a client CA, clients must present a certificate it signed (mTLS). */
  clientCa?: Buffer;
  /** Where they were read from: the server watches these files and reloads them. */
  paths: { cert: string; key: string; clientCa?: string };
}

interface NamedFile {
  path: string;
  /** `--tls-cert-file` or the variable's name. */
  source: string;
}

/**
 * Reads and checks the server's TLS files at start-up, as OpenSSL will parse
 * them: a garbage CA or a key that does not match its certificate would
 * otherwise start a server that refuses every client.
 */
export function readTlsFiles(cert: NamedFile, key: NamedFile, clientCa?: NamedFile): TlsFiles {
  const files = {
    cert: readPemFile(cert.path, cert.source),
    key: readPemFile(key.path, key.source),
    clientCa: clientCa && readPemFile(clientCa.path, clientCa.source),
    paths: { cert: cert.path, key: key.path, clientCa: clientCa?.path },
  };
  const certificate = parseCertificates(files.cert, cert)[0];
  const privateKey = parse(key, 'a PEM private key', () => createPrivateKey(files.key));
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ConfigError(`${key.source} ${quote(key.path)} is not the key of the certificate in ${cert.source} ${quote(cert.path)}`);
  }
  if (clientCa && files.clientCa) parseCertificates(files.clientCa, clientCa);
  // What grpc-js will do with them: anything OpenSSL still refuses is said here, in one line.
  parse(cert, 'usable for TLS', () => createSecureContext({ cert: files.cert, key: files.key, ca: files.clientCa }));
  return files;
}

/** Every certificate of a PEM file (a chain or a CA bundle); a file with none, or with anything else, is refused. */
function parseCertificates(pem: Buffer, file: NamedFile): X509Certificate[] {
  const blocks = pem.toString('latin1').match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g) ?? [];
  const others = blocks.filter((block) => !block.startsWith('-----BEGIN CERTIFICATE-----'));
  if (blocks.length === 0 || others.length > 0) {
    const found = others[0]?.match(/^-----BEGIN ([A-Z0-9 ]+)-----/)?.[1];
    throw new ConfigError(`invalid ${file.source} ${quote(file.path)}: expected PEM certificates${found ? `, found a ${found}` : ''}`);
  }
  return blocks.map((block) => parse(file, 'a PEM certificate', () => new X509Certificate(block)));
}

function parse<T>(file: NamedFile, expected: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const reason = (error as Error).message.replace(/\s*\n\s*/g, ' ');
    throw new ConfigError(`invalid ${file.source} ${quote(file.path)}: not ${expected} (${reason})`);
  }
}

