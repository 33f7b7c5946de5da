import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../shared/config-error';
import { oneOf, parseGoBoolean, positiveDuration } from '../shared/setting-parsers';
import { quote } from '../shared/quote';
import { portRangeProblem, splitHostPort } from '../shared/host-port';
import { readCertificates, readKeyPair } from '../shared/pem-file';
import { booleanFlagText, flagOn, type RawArgs } from './args';
import { readConfigFile, type ConfigFile } from './config-file';
import { CLI_DEFAULTS, COLOR_MODES, CONFIG_ENV, OUTPUT_FORMATS, SETTING_ENV, waysToGive, type ConfigFileKey, type OutputFormat } from './global-options';

// The global settings, each from the first place that has it: flag, then
// environment variable, then config file, then default (as the Go users-cli,
// whose variable and key names are kept). -v prints where each came from.

/** What users-cli reads outside its arguments; injected so tests can run it in-process. */
export interface CliEnvironment {
  env: NodeJS.ProcessEnv;
  homeDir: string;
  stdoutIsTTY: boolean;
  /** Terminal width for help and -o table; undefined when stdout is not a terminal. */
  columns?: number;
  /** The arguments as typed, for what yargs parses loosely (`--cleartext=t`). */
  argv?: readonly string[];
}

export interface OutputConfig {
  format: OutputFormat;
  color: boolean;
  verbose: boolean;
  quiet: boolean;
  headers: boolean;
  /** The width -o table fits into: the terminal's, else COLUMNS; undefined (a pipe, a file): never cut. */
  columns?: number;
}

export interface TlsConfig {
  /** Trusted CA certificates (PEM); the system's when absent. */
  ca?: Buffer;
  /** Client certificate and key for mTLS: both or neither. */
  clientCert?: { cert: Buffer; key: Buffer };
  /** Name to verify the server certificate against, instead of the address's host. */
  serverName?: string;
  /** How --cacert was given, for messages: `--cacert ca.crt`. */
  caSource?: string;
}

/** Where and how to reach users-server. */
export interface ConnectionConfig {
  address: string;
  /** Plaintext when undefined. */
  tls?: TlsConfig;
  timeoutMs: number;
  /** The timeout as people write it (`300ms`, `10s`), for messages. */
  timeoutText: string;
}

export interface Settings {
  output: OutputConfig;
  connection: ConnectionConfig;
  /** What -v prints: the config file, and each setting with its source. */
  debug: string[];
}

interface Found<T> {
  value: T;
  /** How the user gave it, for messages and -v: `--address`, `ADDRESS`, `address in /home/me/.users-cli.yml`. */
  source: string;
  level: number;
}

/** Looks a setting up in flag, environment and file order. */
class SettingSources {
  constructor(
    private readonly args: RawArgs,
    private readonly env: NodeJS.ProcessEnv,
    private readonly file: ConfigFile | undefined,
    private readonly argv: readonly string[] = [],
  ) {}

  string(key: ConfigFileKey): Found<string> | undefined {
    return this.find(key, (raw, source) => {
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' && (key === 'timeout')) return `${raw}s`;
      throw new ConfigError(`invalid ${source} ${quote(JSON.stringify(raw))}: expected a string`);
    });
  }

  boolean(key: ConfigFileKey): Found<boolean> | undefined {
    return this.find(key, (raw, source) => {
      const typed = source === `--${key}` ? booleanFlagText(this.argv, key) : undefined;
      if (typed !== undefined) return parseGoBoolean(typed, source);
      if (typeof raw === 'boolean') return raw;
      // As the Go CLI: a YAML 1 is the string "1" to viper, which strconv.ParseBool takes.
      if (typeof raw === 'string' || raw === 0 || raw === 1) return parseGoBoolean(String(raw), source);
      throw new ConfigError(`invalid ${source} ${quote(JSON.stringify(raw))}: expected true or false`);
    });
  }

  /** A file path: `~/` is expanded in variables and the file (the shell does it for flags). */
  path(key: ConfigFileKey): Found<string> | undefined {
    const found = this.string(key);
    if (found && found.level > 0 && found.value.startsWith('~/')) found.value = path.join(homedir(), found.value.slice(2));
    return found;
  }

  private find<T>(key: ConfigFileKey, convert: (raw: unknown, source: string) => T): Found<T> | undefined {
    const flag = this.args[key];
    if (flag !== undefined) return { value: convert(Array.isArray(flag) ? flag.at(-1) : flag, `--${key}`), source: `--${key}`, level: 0 };
    const name = SETTING_ENV[key];
    const fromEnv = this.env[name];
    if (fromEnv !== undefined && fromEnv !== '') return { value: convert(fromEnv, name), source: name, level: 1 };
    const fromFile = this.file?.values[key];
    if (fromFile !== undefined && fromFile !== null) {
      const source = `${key} in ${this.file!.path}`;
      return { value: convert(fromFile, source), source, level: 2 };
    }
    return undefined;
  }
}

/**
 * The settings of a command that calls the server: the config file is read
 * here, and only here, so `version` and `help` work whatever it holds.
 */
export async function resolveSettings(args: RawArgs, environment: CliEnvironment): Promise<Settings> {
  const explicit = args.config !== undefined ? { file: String(args.config), source: '--config' } : environment.env[CONFIG_ENV] ? { file: environment.env[CONFIG_ENV]!, source: CONFIG_ENV } : undefined;
  const file = await readConfigFile(explicit, environment.homeDir);
  const sources = new SettingSources(args, environment.env, file, environment.argv);
  const debug = [
    file
      ? `config file ${file.path}${file.ignored ? ` (${file.ignored} ignored: .yaml comes first, as in the Go CLI)` : ''}`
      : `config file: none (no ${path.join(environment.homeDir, '.users-cli.yaml')} or .yml)`,
  ];
  const output = resolveOutput(args, environment, sources, debug);
  const connection = resolveConnection(sources, debug);
  return { output, connection, debug };
}

/** The output settings from flags and variables only: for commands that never read the config file. */
export function resolveLocalOutput(args: RawArgs, environment: CliEnvironment): OutputConfig {
  return resolveOutput(args, environment, new SettingSources(args, environment.env, undefined), []);
}

function resolveOutput(args: RawArgs, { env, stdoutIsTTY, columns }: CliEnvironment, sources: SettingSources, debug: string[]): OutputConfig {
  const output = sources.string('output');
  const format = output ? oneOf(output.value, OUTPUT_FORMATS, output.source) : CLI_DEFAULTS.output;
  const colorMode = sources.string('color');
  const mode = colorMode ? oneOf(colorMode.value, COLOR_MODES, colorMode.source) : CLI_DEFAULTS.color;
  // https://no-color.org, and terminals that cannot show colours.
  const autoColor = stdoutIsTTY && !env.NO_COLOR && env.TERM !== 'dumb';
  const color = mode === 'auto' ? autoColor : mode === 'always';
  debug.push(`output ${format} (from ${output?.source ?? 'default'}), colour ${color ? 'on' : 'off'} (${mode} from ${colorMode?.source ?? 'default'})`);
  return {
    format,
    color,
    verbose: flagOn(args, 'verbose') === true,
    quiet: flagOn(args, 'quiet') === true,
    headers: flagOn(args, 'headers') !== false,
    columns: columns ?? positiveInteger(env.COLUMNS),
  };
}

function resolveConnection(sources: SettingSources, debug: string[]): ConnectionConfig {
  const address = sources.string('address');
  const resolvedAddress = address ? checkAddress(address.value, address.source) : CLI_DEFAULTS.address;
  debug.push(`address ${resolvedAddress} (from ${address?.source ?? 'default'})`);
  const timeout = sources.string('timeout');
  const timeoutText = normaliseDurationText(timeout?.value ?? CLI_DEFAULTS.timeout);
  const timeoutMs = positiveDuration(timeout?.value ?? CLI_DEFAULTS.timeout, timeout?.source ?? '--timeout');
  const tls = resolveTls(sources, debug);
  debug.push(`timeout ${timeoutText} (from ${timeout?.source ?? 'default'})`);
  return { address: resolvedAddress, tls, timeoutMs, timeoutText };
}

function checkAddress(value: string, source: string): string {
  const trimmed = value.trim();
  // `:8000` means the local host, as the Go CLI's default `:8000` did.
  const address = trimmed.startsWith(':') ? `localhost${trimmed}` : trimmed;
  const split = splitHostPort(address);
  if (!split) throw new ConfigError(`invalid ${source} ${quote(value)}: expected host:port, e.g. localhost:8000`);
  // A client cannot dial port 0, which a server may listen on.
  const problem = portRangeProblem(split.port, 1);
  if (problem) throw new ConfigError(`invalid ${source} ${quote(value)}: ${problem}`);
  // grpc-js hands the address to Node's http2.connect as a URL, and URLs cannot carry a zone: the call would fail as 'Invalid URL'.
  if (split.zone !== undefined) {
    throw new ConfigError(`invalid ${source} ${quote(value)}: users-cli cannot connect to an IPv6 address with a zone (%${split.zone}), gRPC for Node does not support it; use the server's global address or a host name`);
  }
  return address;
}

/**
 * Plaintext or TLS, decided at the highest level (flag, variable, file) that
 * says anything about it. Within the variables or the file, `cleartext: true`
 * wins, as in the Go CLI; `cleartext: false` alone means TLS with the system
 * CAs, as there.
 */
function resolveTls(sources: SettingSources, debug: string[]): TlsConfig | undefined {
  const cleartext = sources.boolean('cleartext');
  const tls = sources.boolean('tls');
  const caFile = sources.path('cacert');
  const certFile = sources.path('cert');
  const keyFile = sources.path('key');
  const serverName = sources.string('servername');
  const tlsHints = [caFile, certFile, keyFile, serverName].filter((found): found is Found<string> => found !== undefined);
  // Typed together on one command line, plaintext and a TLS setting contradict each other: refused, not resolved.
  // (--cleartext=false with --cacert, or --cleartext with --tls=false, agree.)
  if (cleartext?.level === 0 && cleartext.value) {
    const tlsFlag = tls?.level === 0 && tls.value ? tls : tlsHints.find((found) => found.level === 0);
    if (tlsFlag) throw new ConfigError(`--cleartext cannot be combined with ${tlsFlag.source}`);
  }
  if (cleartext?.level === 0 && !cleartext.value && tls?.level === 0 && !tls.value) {
    throw new ConfigError('--cleartext=false (TLS) cannot be combined with --tls=false (plaintext)');
  }
  const decision = (level: number): { secure: boolean; source: string } | undefined => {
    if (cleartext?.level === level && cleartext.value) return { secure: false, source: cleartext.source };
    if (tls?.level === level) return { secure: tls.value, source: tls.source };
    const hint = tlsHints.find((found) => found.level === level);
    if (hint) return { secure: true, source: hint.source };
    if (cleartext?.level === level) return { secure: true, source: cleartext.source };
    return undefined;
  };
  const decided = decision(0) ?? decision(1) ?? decision(2);
  if (!decided?.secure) {
    debug.push(`plaintext (from ${decided?.source ?? 'default'})`);
    return undefined;
  }
  if (certFile && !keyFile) throw new ConfigError(`${certFile.source} needs a key too (${waysToGive('key')})`);
  if (keyFile && !certFile) throw new ConfigError(`${keyFile.source} needs a certificate too (${waysToGive('cert')})`);
  if (serverName !== undefined && !/^[A-Za-z0-9.-]+$/.test(serverName.value)) {
    throw new ConfigError(`invalid ${serverName.source} ${quote(serverName.value)}: expected a host name such as users.example.com`);
  }
  const details = [
    caFile ? `CA ${caFile.value} (from ${caFile.source})` : 'system CAs',
    ...(certFile && keyFile ? [`client certificate ${certFile.value} (from ${certFile.source}) and key ${keyFile.value} (from ${keyFile.source})`] : []),
    ...(serverName ? [`server name ${serverName.value} (from ${serverName.source})`] : []),
  ];
  debug.push(`TLS (from ${decided.source}): ${details.join(', ')}`);
  return {
    ca: caFile && readCertificates({ path: caFile.value, source: caFile.source }),
    caSource: caFile && `${caFile.source} ${caFile.value}`,
    clientCert: certFile && keyFile ? readKeyPair({ path: certFile.value, source: certFile.source }, { path: keyFile.value, source: keyFile.source }) : undefined,
    serverName: serverName?.value,
  };
}


/** COLUMNS as shells export it; anything else is ignored, as by other tools that read it. */
function positiveInteger(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text.trim()) && Number(text) > 0 ? Number(text) : undefined;
}

/** A bare number means seconds: `2` reads as `2s` in messages. */
function normaliseDurationText(text: string): string {
  const trimmed = text.trim();
  return /^\d+(\.\d+)?$/.test(trimmed) ? `${trimmed}s` : trimmed;
}
