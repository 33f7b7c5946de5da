import { readFileUpTo } from '../shared/bounded-read';
import path from 'node:path';
import { ConfigError } from '../shared/config-error';
import { fileErrorReason } from '../shared/file-error-reason';
import { quote } from '../shared/quote';
import { didYouMean } from '../shared/did-you-mean';
import { CONFIG_FILE_KEYS, type ConfigFileKey } from './global-options';
import { loadYaml } from './load-yaml';

// users-cli's YAML config file, read as the Go users-cli (viper) reads it:
// ~/.users-cli.yaml, else ~/.users-cli.yml; keys are case-insensitive.


/** viper tries the extensions in this order, so .yaml wins when both exist. */
const DEFAULT_NAMES = ['.users-cli.yaml', '.users-cli.yml'];

export interface ConfigFile {
  path: string;
  values: Partial<Record<ConfigFileKey, unknown>>;
  /** Another default file that exists but is not read (the .yml beside a .yaml). */
  ignored?: string;
}

/**
 * The config file, or undefined when there is none: a missing default file
 * is no error, a missing --config (or USERS_CLI_CONFIG) file is.
 */
export async function readConfigFile(explicit: { file: string; source: string } | undefined, homeDir: string): Promise<ConfigFile | undefined> {
  if (explicit) {
    if (explicit.file === '') throw new ConfigError(`invalid ${explicit.source} "": expected a file path`);
    return { path: explicit.file, values: await parseConfigFile(explicit.file, readText(explicit.file)) };
  }
  const found = DEFAULT_NAMES.map((name) => path.join(homeDir, name)).flatMap((file) => {
    const text = readText(file, true);
    return text === undefined ? [] : [{ file, text }];
  });
  if (found.length === 0) return undefined;
  return { path: found[0].file, values: await parseConfigFile(found[0].file, found[0].text), ignored: found[1]?.file };
}

/** A config file holds a few settings: anything this large is not one. */
const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

function readText(file: string, missingIsFine = false): string | undefined {
  try {
    return readFileUpTo(file, MAX_CONFIG_FILE_BYTES).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && missingIsFine) return undefined;
    throw new ConfigError(`cannot read config file ${file}: ${fileErrorReason(err)}`);
  }
}

async function parseConfigFile(file: string, text: string | undefined): Promise<ConfigFile['values']> {
  // The YAML parser is the largest module users-cli loads: only when there is a file.
  const { parse } = loadYaml();
  let document: unknown;
  try {
    document = parse(text ?? '');
  } catch (err) {
    throw new ConfigError(`invalid config file ${file}: ${(err as Error).message.split('\n')[0].trim().replace(/:$/, '')}`);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError(`invalid config file ${file}: expected keys and values, e.g. "address: localhost:8000"`);
  }
  const values: ConfigFile['values'] = {};
  const spelled: Partial<Record<ConfigFileKey, string>> = {};
  for (const [key, value] of Object.entries(document)) {
    const known = CONFIG_FILE_KEYS.find((name) => name === key.toLowerCase());
    if (known === undefined) {
      throw new ConfigError(`invalid config file ${file}: unknown key ${quote(key)}${didYouMean(key, CONFIG_FILE_KEYS, quote)} (known keys: ${CONFIG_FILE_KEYS.join(', ')})`);
    }
    // Keys are case-insensitive, so two spellings of one key are one key given twice (YAML refuses exact duplicates).
    if (spelled[known] !== undefined) throw new ConfigError(`invalid config file ${file}: ${quote(known)} is given twice (as ${quote(spelled[known]!)} and ${quote(key)})`);
    spelled[known] = key;
    values[known] = value;
  }
  return values;
}
