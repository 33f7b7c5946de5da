import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';
import { fileErrorReason } from './file-error-reason';
import { quote } from './quote';

/**
 * Reads a PEM file named by a flag; `source` (e.g. `--cacert`) names the flag
 * in the one-line ConfigError that a missing, unreadable or non-PEM file gives.
 */
export function readPemFile(file: string, source: string): Buffer {
  let contents: Buffer;
  try {
    contents = readFileSync(file);
  } catch (err) {
    throw new ConfigError(`invalid ${source} ${quote(file)}: ${fileErrorReason(err)}`);
  }
  if (!contents.includes('-----BEGIN ')) throw new ConfigError(`invalid ${source} ${quote(file)}: not a PEM file`);
  return contents;
}

/**
 * readPemFile, checking that the file holds a PEM block of this kind, and that
 * node:crypto (OpenSSL, as TLS will) parses every such block: a CA given a
 * private key, armour around garbage, or a certificate cut short would
 * otherwise fail later, in a misleading TLS error.
 */
export function readPemFileOf(file: string, source: string, kind: 'CERTIFICATE' | 'PRIVATE KEY'): Buffer {
  const contents = readPemFile(file, source);
  const text = contents.toString('latin1');
  const labels = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((match) => match[1]);
  const matches = (label: string) => (kind === 'PRIVATE KEY' ? label.endsWith('PRIVATE KEY') : label === kind);
  if (!labels.some(matches)) {
    throw new ConfigError(`invalid ${source} ${quote(file)}: expected a ${kind}, the file holds ${labels.map((label) => `a ${label}`).join(', ')}`);
  }
  // Whole blocks only: a block without its END line is a file cut short.
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)].filter((match) => matches(match[1])).map((match) => match[0]);
  const parse = kind === 'CERTIFICATE' ? (block: string) => new X509Certificate(block) : (block: string) => createPrivateKey(block);
  try {
    if (blocks.length === 0) throw new Error('no complete block');
    blocks.forEach(parse);
  } catch {
    throw new ConfigError(`invalid ${source} ${quote(file)}: not a PEM ${kind === 'CERTIFICATE' ? 'certificate' : 'private key'}`);
  }
  return contents;
}
