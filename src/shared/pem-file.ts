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
 * readPemFile, checking that the file holds a PEM block of this kind (a CA
 * given a private key would otherwise fail later, in a misleading TLS error).
 */
export function readPemFileOf(file: string, source: string, kind: 'CERTIFICATE' | 'PRIVATE KEY'): Buffer {
  const contents = readPemFile(file, source);
  const labels = [...contents.toString('latin1').matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((match) => match[1]);
  const matches = (label: string) => (kind === 'PRIVATE KEY' ? label.endsWith('PRIVATE KEY') : label === kind);
  if (!labels.some(matches)) {
    throw new ConfigError(`invalid ${source} ${quote(file)}: expected a ${kind}, the file holds ${labels.map((label) => `a ${label}`).join(', ')}`);
  }
  return contents;
}
