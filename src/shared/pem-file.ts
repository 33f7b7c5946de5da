import type * as NodeCrypto from 'node:crypto';
import { readFileUpTo } from './bounded-read';
import { UnusableFileError } from './config-error';
import { fileErrorReason } from './file-error-reason';
import { quote } from './quote';
import { filePath } from './setting-parsers';

/** A file named by a setting: `source` (e.g. `--cacert`, `TLS_CERT_FILE`) names it in every message. */
export interface NamedFile {
  path: string;
  source: string;
}

type PemKind = 'CERTIFICATE' | 'PRIVATE KEY';

/** node:crypto on first use: users-cli reads no PEM file for most calls, and loading it costs ~3 ms of start-up. */
function crypto(): typeof NodeCrypto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:crypto') as typeof NodeCrypto;
}

/**
 * The PEM blocks of one kind in a certificate file (a chain, a CA bundle), each parsed by node:crypto as
 * OpenSSL will parse it for TLS: a CA given a private key, armour around garbage, or a certificate cut short
 * would otherwise fail later, in a misleading TLS error. Blocks of other kinds are left alone, as OpenSSL
 * skips them (a combined certificate-and-key file is common).
 */
export function readCertificates(file: NamedFile): Buffer {
  return readPemFileOf(file, 'CERTIFICATE', (block) => new (crypto().X509Certificate)(block));
}

/** readCertificates for a private key (PKCS#8, PKCS#1 or SEC1: any label ending in PRIVATE KEY). */
export function readPrivateKey(file: NamedFile): Buffer {
  return readPemFileOf(file, 'PRIVATE KEY', (block) => crypto().createPrivateKey(block));
}

/** A certificate and its key, which must be a pair: the other side would refuse the handshake with no reason given. */
export function readKeyPair(cert: NamedFile, key: NamedFile): { cert: Buffer; key: Buffer } {
  const pair = { cert: readCertificates(cert), key: readPrivateKey(key) };
  if (!isKeyOf(pair.cert, pair.key)) {
    throw new UnusableFileError(`${key.source} ${quote(key.path)} is not the key of the certificate in ${cert.source} ${quote(cert.path)}`);
  }
  return pair;
}

/** Whether `key` is the private key of the first certificate in `cert` (the leaf of a chain). */
export function isKeyOf(cert: Buffer, key: Buffer): boolean {
  const { createPrivateKey, X509Certificate } = crypto();
  return new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
}

/** More than any certificate chain or CA bundle (Mozilla's whole bundle is about 220 kB). */
export const MAX_PEM_FILE_BYTES = 1024 * 1024;

/** The file's bytes; a missing, unreadable, oversized or non-PEM file is a one-line PemFileError naming the setting. */
export function readPemFile(file: NamedFile): Buffer {
  filePath(file.path, file.source);
  let contents: Buffer;
  try {
    contents = readFileUpTo(file.path, MAX_PEM_FILE_BYTES);
  } catch (err) {
    throw invalid(file, fileErrorReason(err));
  }
  if (!contents.includes('-----BEGIN ')) throw invalid(file, 'not a PEM file');
  return contents;
}

function readPemFileOf(file: NamedFile, kind: PemKind, parse: (block: string) => unknown): Buffer {
  const contents = readPemFile(file);
  const text = contents.toString('latin1');
  const labels = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((match) => match[1]);
  const isKind = (label: string) => (kind === 'PRIVATE KEY' ? label.endsWith('PRIVATE KEY') : label === kind);
  if (!labels.some(isKind)) throw invalid(file, `expected a ${kind}, the file holds ${labels.map((label) => `${/^[AEIOU]/.test(label) ? 'an' : 'a'} ${label}`).join(', ')}`);
  // OpenSSL's own word for it is "interrupted or cancelled" (it asked for a passphrase nobody can give).
  if (kind === 'PRIVATE KEY' && (labels.includes('ENCRYPTED PRIVATE KEY') || /^Proc-Type: 4,ENCRYPTED\r?$/m.test(text))) {
    throw invalid(file, 'the private key is encrypted with a passphrase: give it unencrypted (openssl pkey -in KEY -out PLAIN-KEY)');
  }
  const expected = kind === 'CERTIFICATE' ? 'a PEM certificate' : 'a PEM private key';
  // Whole blocks only: a block without its END line is a file cut short.
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)].filter((match) => isKind(match[1]));
  if (blocks.length < labels.filter(isKind).length) throw invalid(file, `not ${expected} (a block has no END line)`);
  for (const [block] of blocks) {
    try {
      parse(block);
    } catch (error) {
      throw invalid(file, `not ${expected} (${(error as Error).message.replace(/\s*\n\s*/g, ' ')})`);
    }
  }
  return contents;
}

/** A PEM file that cannot be used: the message names its setting and path; `reason` alone says why (the TLS reloader logs the path apart). */
export class PemFileError extends UnusableFileError {
  constructor(
    file: NamedFile,
    readonly reason: string,
  ) {
    super(`invalid ${file.source} ${quote(file.path)}: ${reason}`);
  }
}

function invalid(file: NamedFile, reason: string): PemFileError {
  return new PemFileError(file, reason);
}
