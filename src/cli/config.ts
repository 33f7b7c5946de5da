import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { User } from '../../gen/user/user';
import { ConfigError } from '../shared/config-error';
import { fileErrorReason } from '../shared/file-error-reason';
import { oneOf } from '../shared/setting-parsers';
import { quote } from '../shared/quote';
import { parseDuration } from '../shared/duration';
import { parseHostPort } from '../shared/host-port';
import { readPemFile } from '../shared/pem-file';

// Every flag, environment variable and config-file value of users-cli is
// validated here, into typed values; commands never read raw arguments.

export const CLI_DEFAULTS = {
  address: 'localhost:8000',
  configFile: '~/.users-cli.yml',
  timeout: '10s',
} as const;

export const OUTPUT_FORMATS = ['text', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const COLOR_MODES = ['auto', 'always', 'never'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];

/** How users-cli presents results, whatever the command. */
export interface OutputConfig {
  format: OutputFormat;
  color: boolean;
  verbose: boolean;
}

export interface TlsConfig {
  /** Trusted CA certificates (PEM); the system's when absent. */
  ca?: Buffer;
  /** Client certificate and key for mTLS: both or neither. */
  clientCert?: { cert: Buffer; key: Buffer };
  /** Name to verify the server certificate against, instead of the address's host. */
  serverName?: string;
}

/** Where and how to reach users-server. */
export interface ConnectionConfig {
  address: string;
  /** Where the address came from (`--address`, `ADDRESS`, the config file, the default), for -v. */
  addressSource: string;
  /** Plaintext when undefined. */
  tls?: TlsConfig;
  timeoutMs: number;
  /** The timeout as people write it (`300ms`, `10s`), for messages. */
  timeoutText: string;
}

/** What users-cli reads outside its arguments; injected so tests can run it in-process. */
export interface CliEnvironment {
  env: NodeJS.ProcessEnv;
  homeDir: string;
  stdoutIsTTY: boolean;
}

/** Parsed arguments as yargs gives them: values are checked here, not trusted. */
export type RawArgs = Record<string, unknown>;

export function resolveOutputConfig(args: RawArgs, environment: CliEnvironment): OutputConfig {
  const format = oneOf(stringArg(args, 'output') ?? 'text', OUTPUT_FORMATS, '--output');
  return { format, color: resolveColor(args, environment), verbose: args.verbose === true };
}

function resolveColor(args: RawArgs, { env, stdoutIsTTY }: CliEnvironment): boolean {
  // A bare `--color` means always; `--no-color` means never.
  const raw = args.color === false ? 'never' : args.color === '' ? 'always' : (stringArg(args, 'color') ?? 'auto');
  const mode = oneOf(raw, COLOR_MODES, '--color');
  if (mode !== 'auto') return mode === 'always';
  // https://no-color.org: a non-empty NO_COLOR turns automatic colours off.
  return stdoutIsTTY && !env.NO_COLOR;
}

/** Address precedence: --address, then env ADDRESS, then the config file, then the default. */
export function resolveConnectionConfig(args: RawArgs, environment: CliEnvironment): ConnectionConfig {
  const { address, addressSource } = resolveAddress(args, environment);
  const timeout = stringArg(args, 'timeout');
  const timeoutText = normaliseDurationText(timeout ?? CLI_DEFAULTS.timeout);
  const timeoutMs = parseDuration(timeoutText);
  if (timeoutMs === undefined || timeoutMs <= 0) {
    throw new ConfigError(`invalid --timeout ${quote(timeout ?? CLI_DEFAULTS.timeout)}: expected a positive duration such as 10s, 500ms or 2m`);
  }
  return { address, addressSource, tls: resolveTls(args), timeoutMs, timeoutText };
}

function resolveAddress(args: RawArgs, environment: CliEnvironment): { address: string; addressSource: string } {
  // Read even when not needed, so that a broken config file never goes unnoticed.
  const file = readConfigFile(args, environment);
  const flag = stringArg(args, 'address');
  if (flag !== undefined) return { address: checkAddress(flag, '--address'), addressSource: '--address' };
  const fromEnv = environment.env.ADDRESS;
  if (fromEnv !== undefined && fromEnv !== '') return { address: checkAddress(fromEnv, 'ADDRESS'), addressSource: 'ADDRESS' };
  if (file?.address !== undefined) {
    return { address: checkAddress(file.address, `address in ${file.path}`), addressSource: file.path };
  }
  return { address: CLI_DEFAULTS.address, addressSource: 'default' };
}

function checkAddress(value: string, source: string): string {
  // `:8000` means the local host, as the Go CLI's default `:8000` did.
  const address = value.trim().startsWith(':') ? `localhost${value.trim()}` : value.trim();
  if (!parseHostPort(address)) throw new ConfigError(`invalid ${source} ${quote(value)}: expected host:port, e.g. localhost:8000`);
  return address;
}

interface ConfigFile {
  path: string;
  address?: string;
}

const CONFIG_FILE_KEYS = ['address'];

/** The YAML config file; a missing default file is no error, a missing --config file is. */
function readConfigFile(args: RawArgs, { homeDir }: CliEnvironment): ConfigFile | undefined {
  const explicit = stringArg(args, 'config');
  if (explicit === '') throw new ConfigError('invalid --config "": expected a file path');
  const file = explicit ?? path.join(homeDir, '.users-cli.yml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && explicit === undefined) return undefined;
    throw new ConfigError(`cannot read config file ${file}: ${fileErrorReason(err)}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`invalid config file ${file}: ${firstLine((err as Error).message).replace(/:$/, '')}`);
  }
  if (document === null || document === undefined) return { path: file };
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError(`invalid config file ${file}: expected keys and values, e.g. "address: localhost:8000"`);
  }
  const entries = document as Record<string, unknown>;
  const unknown = Object.keys(entries).find((key) => !CONFIG_FILE_KEYS.includes(key));
  if (unknown !== undefined) {
    throw new ConfigError(`invalid config file ${file}: unknown key ${quote(unknown)} (known keys: ${CONFIG_FILE_KEYS.join(', ')})`);
  }
  const address = entries.address;
  if (address !== undefined && typeof address !== 'string') {
    throw new ConfigError(`invalid config file ${file}: "address" must be a string such as localhost:8000, got ${JSON.stringify(address)}`);
  }
  return { path: file, address };
}

function resolveTls(args: RawArgs): TlsConfig | undefined {
  const caFile = stringArg(args, 'cacert');
  const certFile = stringArg(args, 'cert');
  const keyFile = stringArg(args, 'key');
  const serverName = stringArg(args, 'servername');
  const implied = [caFile, certFile, keyFile, serverName].some((value) => value !== undefined);
  if (args.cleartext === true && (args.tls === true || implied)) {
    throw new ConfigError('--cleartext cannot be combined with --tls, --cacert, --cert, --key or --servername');
  }
  if (args.tls !== true && !implied) return undefined;
  if (certFile !== undefined && keyFile === undefined) throw new ConfigError('--cert needs --key too');
  if (keyFile !== undefined && certFile === undefined) throw new ConfigError('--key needs --cert too');
  if (serverName !== undefined && !/^[A-Za-z0-9.-]+$/.test(serverName)) {
    throw new ConfigError(`invalid --servername ${quote(serverName)}: expected a host name such as users.example.com`);
  }
  return {
    ca: caFile === undefined ? undefined : readPemFile(caFile, '--cacert'),
    clientCert: certFile === undefined || keyFile === undefined ? undefined : { cert: readPemFile(certFile, '--cert'), key: readPemFile(keyFile, '--key') },
    serverName,
  };
}

/** `create`: the user to store; the server generates its id. */
export function resolveCreateInput(args: RawArgs): User {
  const email = stringArg(args, 'email');
  if (email === undefined || email.trim() === '') throw new ConfigError('create needs --email=EMAIL');
  return {
    id: '',
    email,
    name: { first: stringArg(args, 'firstname') ?? '', last: stringArg(args, 'lastname') ?? '' },
    // proto3 has no "unset": an age not given is 0, as on the wire.
    age: int32Arg(args, 'age') ?? 0,
    address: stringArg(args, 'postaladdress') ?? '',
    phone: stringArg(args, 'phone') ?? '',
  };
}

/** `get EMAIL` */
export function resolveGetInput(args: RawArgs): { email: string } {
  const email = stringArg(args, 'email');
  if (email === undefined || email.trim() === '') throw new ConfigError('get needs an EMAIL, e.g. users-cli get alice@example.com');
  return { email };
}

export type SearchInput = { by: 'name'; name: string } | { by: 'age'; from: number; toIncluded: number };

/** `search`: by name, or by age range; exactly one of the two. */
export function resolveSearchInput(args: RawArgs): SearchInput {
  const name = stringArg(args, 'name');
  const from = int32Arg(args, 'agefrom');
  const to = int32Arg(args, 'ageto');
  const byAge = from !== undefined || to !== undefined;
  if (name !== undefined && byAge) throw new ConfigError('search takes either --name or --agefrom/--ageto, not both');
  if (name !== undefined) {
    if (name.trim() === '') throw new ConfigError('invalid --name "": expected part of a name');
    return { by: 'name', name };
  }
  if (!byAge) throw new ConfigError('search needs --name=PART, or --agefrom=N and --ageto=M');
  if (from === undefined) throw new ConfigError('--ageto needs --agefrom too');
  if (to === undefined) throw new ConfigError('--agefrom needs --ageto too');
  return { by: 'age', from, toIncluded: to };
}

/** `health`: "" is the whole server, as grpc-health-probe and Kubernetes ask. */
export function resolveHealthInput(args: RawArgs): { service: string } {
  return { service: stringArg(args, 'service') ?? '' };
}

/** A string flag; undefined when absent. The last one wins when it is repeated. */
function stringArg(args: RawArgs, name: string): string | undefined {
  const value = Array.isArray(args[name]) ? (args[name] as unknown[]).at(-1) : args[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new ConfigError(`invalid --${name}: expected a value, e.g. --${name}=VALUE`);
}

const INT32_MAX = 2 ** 31 - 1;

function int32Arg(args: RawArgs, name: string): number | undefined {
  const text = stringArg(args, name);
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  if (!/^[+-]?\d+$/.test(text.trim()) || Math.abs(value) > INT32_MAX) {
    throw new ConfigError(`invalid --${name} ${quote(text)}: expected a whole number`);
  }
  return value;
}

/** A bare number means seconds: `2` reads as `2s` in messages. */
function normaliseDurationText(text: string): string {
  const trimmed = text.trim();
  return /^\d+(\.\d+)?$/.test(trimmed) ? `${trimmed}s` : trimmed;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
