import yargs from 'yargs';
import { ConfigError, envBoolean, oneOf, parseBoolean, quote } from '../shared/config-error';
import { parseDuration } from '../shared/duration';
import { parseHostPort } from '../shared/host-port';
import { readPemFile } from '../shared/pem-file';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../shared/logger';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  /** With a client CA, clients must present a certificate it signed (mTLS). */
  clientCa?: Buffer;
}

/** Everything users-server needs, validated; nothing downstream reads flags or env. */
export interface ServerConfig {
  address: string;
  logFormat: LogFormat;
  logLevel: LogLevel;
  reflection: boolean;
  tls?: TlsFiles;
  samples: boolean;
  samplesFile?: string;
  gracePeriodMs: number;
  /** Undefined when metrics are disabled. */
  metricsAddress?: string;
}

export const SERVER_DEFAULTS = {
  address: '0.0.0.0:8000',
  metricsAddress: '0.0.0.0:9402',
  gracePeriod: '10s',
} as const;

/** The yargs parser; `--help` and `--version` print and exit from here. */
export function serverArgsParser(argv: string[], version: string) {
  return yargs(argv)
    .scriptName('users-server')
    .usage('$0 [flags]\n\nServes the user directory over gRPC (user.UserService), with health and reflection.')
    .options({
      address: { type: 'string', describe: `host:port to listen on [env: ADDRESS, or PORT for the port alone] [default: ${SERVER_DEFAULTS.address}]` },
      logfmt: { type: 'string', describe: 'log format: text or json [env: LOG_FORMAT] [default: text]' },
      'log-level': { type: 'string', describe: 'error, warn, info or debug [env: LOG_LEVEL] [default: info]' },
      v: { type: 'boolean', describe: 'verbose: same as --log-level=debug' },
      // Untyped on purpose: yargs reads any value of a boolean flag other than
      // "true" as false (`--samples=maybe`), so flagBoolean checks it instead.
      reflection: { describe: 'serve gRPC reflection: true or false [env: REFLECTION] [default: true]' },
      'tls-cert-file': { type: 'string', describe: 'PEM certificate; TLS when given with --tls-key-file [env: TLS_CERT_FILE]' },
      'tls-key-file': { type: 'string', describe: 'PEM private key [env: TLS_KEY_FILE]' },
      'tls-client-ca-file': { type: 'string', describe: 'PEM CA; clients must present a certificate it signed (mTLS) [env: TLS_CLIENT_CA_FILE]' },
      samples: { describe: 'load sample users at start: true or false [env: SAMPLES] [default: true]' },
      'samples-file': { type: 'string', describe: 'load sample users from this JSON file (Go users-grpc format) instead of the built-in ones [env: SAMPLES_FILE]' },
      'grace-period': { type: 'string', describe: `time in-flight calls get to finish on SIGTERM, e.g. 10s, 500ms [env: GRACE_PERIOD] [default: ${SERVER_DEFAULTS.gracePeriod}]` },
      'metrics-address': { type: 'string', describe: `host:port of the Prometheus /metrics listener; empty disables it [env: METRICS_ADDRESS] [default: ${SERVER_DEFAULTS.metricsAddress}]` },
    })
    .version(version)
    .help()
    .wrap(100)
    .alias('h', 'help')
    .strict()
    // A repeated flag: the last one wins, as with Go's flag package (and the Go users-server).
    .parserConfiguration({ 'camel-case-expansion': false, 'parse-numbers': false, 'duplicate-arguments-array': false })
    .fail((message, error) => {
      throw error instanceof ConfigError ? error : new ConfigError(`${message ?? error?.message} (see --help)`);
    });
}

type ServerArgs = Awaited<ReturnType<ReturnType<typeof serverArgsParser>['parse']>>;

/** Parses flags with environment fallbacks; throws ConfigError naming the bad flag. */
export function parseServerConfig(argv: string[], env: NodeJS.ProcessEnv, version = 'dev'): ServerConfig {
  const args = serverArgsParser(argv, version).parseSync() as ServerArgs;
  return resolveServerConfig(args, env);
}

function resolveServerConfig(args: ServerArgs, env: NodeJS.ProcessEnv): ServerConfig {
  const address = resolveAddress(args.address, env);
  const logFormat = pick(args.logfmt, '--logfmt', env, 'LOG_FORMAT');
  const logLevel = args.v ? { value: 'debug', source: '-v' } : pick(args['log-level'], '--log-level', env, 'LOG_LEVEL');
  const grace = pick(args['grace-period'], '--grace-period', env, 'GRACE_PERIOD');
  const gracePeriodMs = grace ? parseDuration(grace.value) : parseDuration(SERVER_DEFAULTS.gracePeriod);
  if (gracePeriodMs === undefined) {
    throw new ConfigError(`invalid ${grace!.source} ${quote(grace!.value)}: expected a duration such as 10s, 500ms or 2m`);
  }
  // Unlike other variables, an empty METRICS_ADDRESS means something: disabled, as the empty flag does.
  const metrics = pick(args['metrics-address'], '--metrics-address', env, 'METRICS_ADDRESS') ??
    (env.METRICS_ADDRESS === '' ? { value: '', source: 'METRICS_ADDRESS' } : undefined);
  const samplesFile = pick(args['samples-file'], '--samples-file', env, 'SAMPLES_FILE');
  if (samplesFile?.value === '') throw new ConfigError(`invalid ${samplesFile.source}: expected a file path`);
  const samples = flagBoolean(args.samples, '--samples') ?? envBoolean(env, 'SAMPLES') ?? true;
  // Asking for a file and for no samples at once is a mistake worth saying, not guessing.
  if (samplesFile && !samples) throw new ConfigError(`${samplesFile.source} cannot be used with samples turned off (--samples=false or SAMPLES=false)`);

  return {
    address,
    logFormat: logFormat ? oneOf(logFormat.value, LOG_FORMATS, logFormat.source) : 'text',
    logLevel: logLevel ? oneOf(logLevel.value, LOG_LEVELS, logLevel.source) : 'info',
    reflection: flagBoolean(args.reflection, '--reflection') ?? envBoolean(env, 'REFLECTION') ?? true,
    tls: resolveTls(args, env),
    samples,
    samplesFile: samplesFile?.value,
    gracePeriodMs,
    metricsAddress: resolveMetricsAddress(metrics),
  };
}

interface Sourced {
  value: string;
  /** `--flag` or the environment variable's name, for error messages. */
  source: string;
}

/** `--flag`, `--no-flag`, `--flag=false`, `--flag false`; anything else is refused like a bad env value. */
function flagBoolean(value: unknown, flag: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  return parseBoolean(String(value), flag);
}

function pick(flagValue: string | undefined, flag: string, env: NodeJS.ProcessEnv, envName: string): Sourced | undefined {
  if (flagValue !== undefined) return { value: flagValue, source: flag };
  const fromEnv = env[envName];
  return fromEnv !== undefined && fromEnv !== '' ? { value: fromEnv, source: envName } : undefined;
}

function resolveAddress(flagValue: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen = pick(flagValue, '--address', env, 'ADDRESS');
  if (chosen) return checkAddress(chosen);
  const port = env.PORT;
  if (port !== undefined && port !== '') {
    if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
      throw new ConfigError(`invalid PORT ${quote(port)}: expected a port number from 0 to 65535`);
    }
    return `0.0.0.0:${port}`;
  }
  return SERVER_DEFAULTS.address;
}

function resolveMetricsAddress(chosen: Sourced | undefined): string | undefined {
  if (!chosen) return SERVER_DEFAULTS.metricsAddress;
  if (chosen.value === '') return undefined;
  return checkAddress(chosen);
}

function checkAddress(chosen: Sourced): string {
  if (!parseHostPort(chosen.value)) {
    throw new ConfigError(`invalid ${chosen.source} ${quote(chosen.value)}: expected host:port, e.g. 0.0.0.0:8000`);
  }
  return chosen.value;
}

function resolveTls(args: ServerArgs, env: NodeJS.ProcessEnv): TlsFiles | undefined {
  const cert = pick(args['tls-cert-file'], '--tls-cert-file', env, 'TLS_CERT_FILE');
  const key = pick(args['tls-key-file'], '--tls-key-file', env, 'TLS_KEY_FILE');
  const clientCa = pick(args['tls-client-ca-file'], '--tls-client-ca-file', env, 'TLS_CLIENT_CA_FILE');
  if (!cert && !key) {
    if (clientCa) throw new ConfigError(`${clientCa.source} needs --tls-cert-file and --tls-key-file`);
    return undefined;
  }
  if (!cert) throw new ConfigError(`${key!.source} needs --tls-cert-file too`);
  if (!key) throw new ConfigError(`${cert.source} needs --tls-key-file too`);
  return { cert: readPem(cert), key: readPem(key), clientCa: clientCa && readPem(clientCa) };
}

function readPem(file: Sourced): Buffer {
  return readPemFile(file.value, file.source);
}
