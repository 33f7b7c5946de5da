import yargs from 'yargs';
import { ConfigError } from '../shared/config-error';
import { networkInterfaces } from 'node:os';
import { parseHostPort, portRangeProblem, splitHostPort } from '../shared/host-port';
import { LOG_FORMATS, LOG_LEVELS } from '../shared/logger';
import { didYouMean } from '../shared/did-you-mean';
import { quote } from '../shared/quote';
import { byteSizeFrom, duration, durationUpTo, filePath, hostPort, integerFrom, oneOf, parseGoBoolean, positiveDuration } from '../shared/setting-parsers';
import { parseDatabaseUrl, type Storage } from '../repository/database-url';
import { checkPostgresSettings } from '../repository/sql/postgres-client-config';
import { readTlsFiles, type TlsFiles } from './tls-files';
import { resolveSettings, yargsOptions, type SettingsTable, type SettingValues } from '../shared/settings';

/** The metrics listener's port when --metrics-address is not given (its host is --address's). */
export const METRICS_PORT = 9402;
/** The largest message a gRPC client accepts unless told otherwise (grpc-js, grpc-go, grpc-java...): 4 MiB. */
export const MAX_CLIENT_RECEIVE_BYTES = 4 * 1024 * 1024;

/**
 * grpc-js closes a connection after its age plus a jitter of up to 10%, on one
 * timer, which Node keeps up to 2^31-1 ms: 542h is the whole hours below 1/1.1 of it.
 */
const MAX_CONNECTION_AGE_MS = 542 * 3_600_000;

/**
 * Every users-server setting, one row each. The table drives the yargs flags,
 * the environment fallback, --help and the README's configuration table.
 *
 * To add a setting: add a row here (its key becomes the ServerConfig field,
 * holding what `parse` returns), then run `make readme` and commit README.md.
 * `parse` gets the text and its source (`--flag` or the variable) and throws a
 * one-line ConfigError naming that source when the text is bad: take one from
 * src/shared/setting-parsers.ts (integerFrom, duration, hostPort, oneOf, ...)
 * or add one there. The row's fields are described in src/shared/settings.ts.
 * Rules that join several settings go in toServerConfig below.
 */
export const SERVER_SETTINGS = {
  address: {
    flag: 'address',
    env: 'ADDRESS',
    envFallback: { name: 'PORT', describe: 'for the port alone', parse: portOnAllInterfaces },
    default: '0.0.0.0:8000',
    parse: listenAddress,
    describe: 'host:port the gRPC server listens on; IPv6 as [::1]:8000, a link-local one with its zone as [fe80::1%eth0]:8000',
  },
  logFormat: {
    flag: 'logfmt',
    env: 'LOG_FORMAT',
    default: 'text',
    parse: (raw: string, source: string) => oneOf(raw, LOG_FORMATS, source),
    describe: 'log format: text for people, json for machines',
  },
  logLevel: {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    default: 'info',
    parse: (raw: string, source: string) => oneOf(raw, LOG_LEVELS, source),
    describe: 'error, warn, info or debug',
  },
  verbose: { flag: 'v', type: 'switch', parse: parseGoBoolean, describe: 'verbose: same as --log-level=debug' },
  reflection: { flag: 'reflection', env: 'REFLECTION', type: 'boolean', default: 'true', parse: parseGoBoolean, describe: 'serve gRPC reflection (grpc.reflection.v1): true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False, as Go reads them)' },
  tlsCertFile: { flag: 'tls-cert-file', env: 'TLS_CERT_FILE', parse: filePath, describe: 'PEM certificate; TLS when given with --tls-key-file' },
  tlsKeyFile: { flag: 'tls-key-file', env: 'TLS_KEY_FILE', parse: filePath, describe: 'PEM private key of the certificate' },
  tlsClientCaFile: { flag: 'tls-client-ca-file', env: 'TLS_CLIENT_CA_FILE', parse: filePath, describe: 'PEM CA; clients must present a certificate it signed (mTLS)' },
  samples: { flag: 'samples', env: 'SAMPLES', type: 'boolean', default: 'true', parse: parseGoBoolean, describe: 'load sample users at start: true or false (or Go\'s other forms, as --reflection)' },
  samplesFile: {
    flag: 'samples-file',
    env: 'SAMPLES_FILE',
    parse: filePath,
    describe: "load sample users from this JSON file (the Go users-grpc format) instead of the 32 built-in ones",
  },
  gracePeriodMs: { flag: 'grace-period', env: 'GRACE_PERIOD', default: '10s', parse: duration, describe: 'time in-flight calls get to finish on SIGTERM, e.g. 10s, 500ms' },
  drainDelayMs: {
    flag: 'drain-delay',
    env: 'DRAIN_DELAY',
    default: '0s',
    parse: duration,
    describe: 'on SIGTERM, time to keep accepting and serving (health already NOT_SERVING) before the graceful shutdown, while load balancers stop routing here; about 5s on Kubernetes',
  },
  maxConnectionAgeMs: {
    flag: 'max-connection-age',
    env: 'MAX_CONNECTION_AGE',
    default: '5m',
    parse: durationUpTo(MAX_CONNECTION_AGE_MS, 'grpc-js adds up to 10% to it, and a timer is at most 2^31-1 ms'),
    describe: 'close each client connection gracefully after this long (at most 542h), so clients re-resolve and spread over new replicas; 0 never',
  },
  maxConnectionAgeGraceMs: {
    flag: 'max-connection-age-grace',
    env: 'MAX_CONNECTION_AGE_GRACE',
    default: '30s',
    parse: duration,
    describe: 'time calls in flight on a connection closed for its age get to finish',
  },
  healthAddress: {
    flag: 'health-address',
    env: 'HEALTH_ADDRESS',
    parse: (raw: string, source: string) => (raw === '' ? undefined : listenAddress(raw, source)),
    describe: 'host:port of a plaintext listener serving grpc.health.v1 only (for kubelet probes when the main port is TLS); empty: none',
  },
  metricsAddress: {
    flag: 'metrics-address',
    env: 'METRICS_ADDRESS',
    // Empty means something here: no metrics listener, from the flag or the variable.
    emptyEnvIsValue: true,
    parse: (raw: string, source: string) => (raw === '' ? undefined : listenAddress(raw, source)),
    describe: `host:port of the Prometheus /metrics listener, by default the host of --address on port ${METRICS_PORT}; empty disables it`,
  },
  maxUsers: {
    flag: 'max-users',
    env: 'MAX_USERS',
    default: '10000',
    parse: integerFrom(1, 999_999_999),
    describe: 'most users the in-memory store holds; past it Create answers FAILED (about 22 KB of memory each at worst: size the memory limit for it); refused with --database-url',
  },
  maxConcurrentStreams: {
    flag: 'max-concurrent-streams',
    env: 'MAX_CONCURRENT_STREAMS',
    default: '100',
    parse: integerFrom(1, 999_999_999),
    describe: 'most calls (HTTP/2 streams) one connection may have open at once (grpc.max_concurrent_streams)',
  },
  maxStreamingCalls: {
    flag: 'max-streaming-calls',
    env: 'MAX_STREAMING_CALLS',
    default: '1000',
    parse: integerFrom(1, 1_000_000),
    describe: 'most streaming calls (health Watch, reflection) open at once on the server, all its ports together (28 to 43 KiB of memory each); past it they are refused with RESOURCE_EXHAUSTED',
  },
  maxArrivingRequests: {
    flag: 'max-arriving-requests',
    env: 'MAX_ARRIVING_REQUESTS',
    default: '256',
    parse: integerFrom(1, 1_000_000),
    describe: 'most calls on the server whose request is still arriving (each may hold 64 KiB until its client sends the rest); past it the one waiting longest is cancelled',
  },
  requestTimeoutMs: {
    flag: 'request-timeout',
    env: 'REQUEST_TIMEOUT',
    default: '10s',
    parse: positiveDuration,
    describe: 'a request not wholly received this long after its call began is cancelled',
  },
  maxConnections: {
    flag: 'max-connections',
    env: 'MAX_CONNECTIONS',
    default: '1000',
    parse: integerFrom(1, 1_000_000),
    describe: 'most connections open at once on each listening socket (the --health-address one apart; 22 KiB of memory each when idle, 70 KiB over TLS); past it a new connection is closed as it arrives',
  },
  connectionSetupTimeoutMs: {
    flag: 'connection-setup-timeout',
    env: 'CONNECTION_SETUP_TIMEOUT',
    default: '20s',
    parse: positiveDuration,
    describe: "a connection that has not sent HTTP/2's preface and SETTINGS this long after it opened (after its TLS handshake) is closed",
  },
  maxConnectionIdleMs: {
    flag: 'max-connection-idle',
    env: 'MAX_CONNECTION_IDLE',
    default: '5m',
    parse: duration,
    describe: 'a connection with no call for this long is closed (GOAWAY; clients reconnect when they need to)',
  },
  keepaliveTimeMs: {
    flag: 'keepalive-time',
    env: 'KEEPALIVE_TIME',
    default: '2m',
    parse: duration,
    describe: 'ping a connection after this long without activity, to find dead peers',
  },
  keepaliveTimeoutMs: {
    flag: 'keepalive-timeout',
    env: 'KEEPALIVE_TIMEOUT',
    default: '20s',
    parse: duration,
    describe: 'close a connection whose ping has no answer after this long',
  },
  database: {
    flag: 'database-url',
    env: 'DATABASE_URL',
    parse: databaseUrl,
    describe: 'where users live: unset for memory (lost on exit), postgres://… or postgresql://… (PostgreSQL 14+), pglite:DIR (embedded, on disk) or pglite:memory',
  },
  databasePoolSize: { flag: 'database-pool-size', env: 'DATABASE_POOL_SIZE', default: '10', parse: integerFrom(1, 1000), describe: 'connections to PostgreSQL per users-server, 1 to 1000' },
  maxPageSize: {
    flag: 'max-page-size',
    env: 'MAX_PAGE_SIZE',
    default: '1000',
    parse: integerFrom(1, 999_999),
    describe: 'most users in one page of List, SearchName or SearchAge; a larger page_size is lowered to it',
  },
  maxResponseBytes: {
    flag: 'max-response-bytes',
    env: 'MAX_RESPONSE_BYTES',
    default: '3.5MiB',
    // At least room for a few of the largest users (about 3.3 KB each). At most
    // what every gRPC client receives by default: past it, an answer would be
    // refused by the clients it exists for, and paging already gets everything.
    parse: byteSizeFrom(64 * 1024, MAX_CLIENT_RECEIVE_BYTES, 'gRPC clients refuse a larger answer by default'),
    describe: 'byte budget of one List/Search answer, 64KiB to 4MiB (gRPC clients\' default receive limit): a page_size 0 answer past it is cut (PARTIAL_SUCCESS and next_page_token)',
  },
  maxBufferedAnswerBytes: {
    flag: 'max-buffered-answer-bytes',
    env: 'MAX_BUFFERED_ANSWER_BYTES',
    default: '16MiB',
    parse: byteSizeFrom(64 * 1024, 1024 * 1024 * 1024),
    describe: "answers one connection may hold in memory (built, not yet read by its client); past it the connection's next calls wait until it reads",
  },
  maxTotalBufferedAnswerBytes: {
    flag: 'max-total-buffered-answer-bytes',
    env: 'MAX_TOTAL_BUFFERED_ANSWER_BYTES',
    default: '32MiB',
    parse: byteSizeFrom(64 * 1024, 64 * 1024 * 1024 * 1024),
    describe: 'answers all connections together may hold in memory; past it the next calls wait until answers are read',
  },
  unreadAnswerTimeoutMs: {
    flag: 'unread-answer-timeout',
    env: 'UNREAD_ANSWER_TIMEOUT',
    default: '60s',
    parse: positiveDuration,
    describe: 'a List or Search answer its client reads nothing of for this long is dropped (the call is cancelled), freeing its memory',
  },
} satisfies SettingsTable;

type SettingsValues = SettingValues<typeof SERVER_SETTINGS>;

/**
 * Everything users-server needs from its flags and their variables, validated: nothing downstream reads a flag.
 * (Libraries' own variables are read where they are used: PG* by the PostgreSQL driver, OTEL_* by tracing.)
 */
export type ServerConfig = Omit<SettingsValues, 'verbose' | 'tlsCertFile' | 'tlsKeyFile' | 'tlsClientCaFile'> & { tls?: TlsFiles };

/** The yargs parser; `--help` and `--version` print and exit from here. */
export function serverArgsParser(argv: string[], version: string) {
  return yargs(argv)
    .scriptName('users-server')
    .usage(
      '$0 [flags]\n$0 migrate [flags]\n\nServes the user directory over gRPC (user.UserService), with health and reflection.\n' +
        '`migrate` applies the database migrations of --database-url and exits (they also run at each start).',
    )
    .options(yargsOptions(SERVER_SETTINGS))
    .version(version)
    .alias('V', 'version')
    .help()
    .wrap(100)
    .alias('h', 'help')
    .strict()
    // A repeated flag: the last one wins, as with Go's flag package (and the Go users-server).
    .parserConfiguration({ 'camel-case-expansion': false, 'parse-numbers': false, 'duplicate-arguments-array': false })
    .fail((message, error) => {
      throw error instanceof ConfigError ? error : new ConfigError(`${unknownArgument(message, argv) ?? message ?? error?.message} (see --help)`);
    });
}

/** Every flag users-server knows, for suggestions. */
const KNOWN_FLAGS = [...Object.values(SERVER_SETTINGS).map((setting) => setting.flag), 'help', 'version'];
const LONG_FLAGS = new Set(KNOWN_FLAGS.filter((flag) => flag.length > 1));

/**
 * Go's flag package, which the Go users-server parsed its flags with, takes
 * `-address=:8000` as `--address=:8000`: so does this, for the long flags it
 * knows (yargs would read the letters of `-address` as short flags).
 */
export function goStyleFlags(argv: string[]): string[] {
  return argv.map((word) => {
    const name = /^-([a-z][a-z0-9-]+)(=|$)/.exec(word)?.[1];
    return name !== undefined && LONG_FLAGS.has(name) ? `-${word}` : word;
  });
}

/**
 * yargs' "Unknown argument: adress" as users-cli says it: the first unknown
 * one as typed, and the flag it is closest to (`unknown flag --adress (did you
 * mean --address?)`); an argument that is no flag is named as one.
 */
function unknownArgument(message: string | undefined, argv: string[]): string | undefined {
  const yargsName = /^Unknown arguments?: ([^,]+)/.exec(message ?? '')?.[1];
  if (yargsName === undefined) return undefined;
  const words = argv.map((word) => word.split('=')[0]);
  // yargs names `-adress` by its first letter, as a short flag: name it as typed.
  const typed = words.find((word) => word.replace(/^--?/, '') === yargsName) ?? words.find((word) => /^-[^-]/.test(word) && word[1] === yargsName) ?? `--${yargsName}`;
  const name = typed.replace(/^--?/, '');
  if (!typed.startsWith('-')) return `unexpected argument ${quote(typed)}${didYouMean(typed, ['migrate'])}`;
  return `unknown flag ${typed}${didYouMean(name, KNOWN_FLAGS.filter((flag) => flag.length > 1), (flag) => `--${flag}`)}`;
}

/**
 * Parses flags with environment fallbacks; throws ConfigError naming the bad
 * flag or variable. `versionLine` is what --version prints.
 */
export function parseServerConfig(argv: string[], env: NodeJS.ProcessEnv, versionLine = 'users-server dev'): ServerConfig {
  const args = serverArgsParser(goStyleFlags(argv), versionLine).parseSync();
  const { values, sources } = resolveSettings(SERVER_SETTINGS, args, env);
  return toServerConfig(values, sources, env);
}

/** The rules that join several settings. */
function toServerConfig(values: SettingsValues, sources: { [K in keyof SettingsValues]?: string }, env: NodeJS.ProcessEnv): ServerConfig {
  const { verbose, tlsCertFile, tlsKeyFile, tlsClientCaFile, ...config } = values;
  // Asking for a file and for no samples at once is a mistake worth saying, not guessing.
  if (config.samplesFile !== undefined && !config.samples) {
    throw new ConfigError(`${sources.samplesFile} cannot be used with samples turned off (--samples=false or SAMPLES=false)`);
  }
  let tls: TlsFiles | undefined;
  if (tlsCertFile === undefined && tlsKeyFile === undefined) {
    if (tlsClientCaFile !== undefined) throw new ConfigError(`${sources.tlsClientCaFile} needs --tls-cert-file and --tls-key-file`);
  } else {
    if (tlsCertFile === undefined) throw new ConfigError(`${sources.tlsKeyFile} needs --tls-cert-file too`);
    if (tlsKeyFile === undefined) throw new ConfigError(`${sources.tlsCertFile} needs --tls-key-file too`);
    tls = readTlsFiles(
      { path: tlsCertFile, source: sources.tlsCertFile! },
      { path: tlsKeyFile, source: sources.tlsKeyFile! },
      tlsClientCaFile === undefined ? undefined : { path: tlsClientCaFile, source: sources.tlsClientCaFile! },
    );
  }
  // A bound the store would not keep is worse than none: a database is bounded by its disk.
  if (sources.maxUsers && config.database && config.database.kind !== 'memory') {
    throw new ConfigError(`${sources.maxUsers} bounds the in-memory store only, not the ${config.database.kind} store of ${sources.database}: remove it`);
  }
  if (config.database?.kind === 'postgres') {
    // The URL with libpq's PG* variables: a bad sslmode or PGPORT is a bad value too (files are read at start: exit 1).
    try {
      checkPostgresSettings(config.database.url, env, sources.database!);
    } catch (error) {
      throw new ConfigError((error as Error).message);
    }
  }
  // By default, metrics are served where the gRPC server is: loopback stays loopback.
  const metricsAddress = sources.metricsAddress ? config.metricsAddress : `${parseHostPort(config.address)!.host}:${METRICS_PORT}`;
  // Two listeners on one address cannot both start: said now, not after the store is opened and the samples loaded.
  const listeners: Array<[string, string | undefined]> = [
    ['--address', config.address],
    [sources.metricsAddress ?? '--metrics-address', metricsAddress],
    [sources.healthAddress ?? '--health-address', config.healthAddress],
  ];
  for (const [i, [name, address]] of listeners.entries()) {
    if (address === undefined) continue;
    const clash = listeners.slice(0, i).find(([, other]) => other !== undefined && sameListener(address, other));
    if (clash) throw new ConfigError(`${name} ${address} and ${clash[0]} ${clash[1]} cannot both listen on port ${parseHostPort(address)!.port}: give them different ports`);
  }
  return { ...config, metricsAddress, logLevel: verbose ? 'debug' : config.logLevel, tls };
}

/** Whether two listen addresses take the same port (one of them on every interface, or the same host); port 0 never clashes. */
function sameListener(a: string, b: string): boolean {
  const [x, y] = [parseHostPort(a)!, parseHostPort(b)!];
  const everywhere = (host: string) => host === '' || host === '0.0.0.0' || host === '::';
  return x.port !== 0 && x.port === y.port && (x.host === y.host || everywhere(x.host) || everywhere(y.host));
}

function databaseUrl(raw: string, source: string): Storage {
  try {
    return parseDatabaseUrl(raw);
  } catch (error) {
    // Never the URL itself: it may hold a password.
    throw new ConfigError(`invalid ${source}: ${(error as Error).message}`);
  }
}

function portOnAllInterfaces(raw: string, source: string): string {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError(`invalid ${source} ${quote(raw)}: expected a port number from 0 to 65535`);
  }
  return `0.0.0.0:${raw}`;
}

/**
 * host:port to listen on, or :port for every interface. A zone names an interface (`[fe80::1%eth0]`): one
 * this host lacks is said here, rather than as listen's `EINVAL: invalid argument`.
 * A numeric zone is an interface index, left to the system.
 */
function listenAddress(raw: string, source: string): string {
  // Go's `:8000` (the Go users-server's default): every interface, as 0.0.0.0:8000 here.
  if (/^:\d+$/.test(raw)) {
    const range = portRangeProblem(raw.slice(1), 0);
    if (range) throw new ConfigError(`invalid ${source} ${quote(raw)}: ${range}`);
    return `0.0.0.0${raw}`;
  }
  const address = hostPort(raw, source);
  const zone = splitHostPort(address)?.zone;
  if (zone !== undefined && !/^\d+$/.test(zone)) {
    const interfaces = Object.keys(networkInterfaces());
    if (!interfaces.includes(zone)) throw new ConfigError(`invalid ${source} ${quote(raw)}: this host has no network interface ${quote(zone)} (it has ${interfaces.join(', ')})`);
  }
  return address;
}
