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
