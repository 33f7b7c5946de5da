import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { parseServerConfig, type ServerConfig } from '../../src/server/config';
import { ConfigError } from '../../src/shared/config-error';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { makeTempDir, type TempDir } from '../support/temp-dir';

/** An interface this host has (lo, on Linux), for zone-scoped addresses. */
const AN_INTERFACE = Object.keys(networkInterfaces())[0];

let dir: TempDir;
let cert: string;
let key: string;
let ca: string;
let notPem: string;
let certificates: TestCertificates;
beforeAll(() => {
  dir = makeTempDir();
  certificates = makeTestCertificates();
  cert = certificates.serverCert;
  key = certificates.serverKey;
  ca = certificates.caCert;
  notPem = dir.write('not.pem', 'hello\n');
});
afterAll(() => {
  dir.cleanup();
  certificates.cleanup();
});

const DEFAULTS: ServerConfig = {
  address: '0.0.0.0:8000',
  logFormat: 'text',
  logLevel: 'info',
  reflection: true,
  tls: undefined,
  samples: true,
  samplesFile: undefined,
  gracePeriodMs: 10_000,
  drainDelayMs: 0,
  maxConnectionAgeMs: 300_000,
  maxConnectionAgeGraceMs: 30_000,
  healthAddress: undefined,
  metricsAddress: '0.0.0.0:9402',
  databasePoolSize: 10,
  maxPageSize: 1000,
  maxResponseBytes: 3_670_016,
  maxUsers: 10_000,
  maxConcurrentStreams: 100,
  maxStreamingCalls: 1000,
  maxConnections: 1000,
  connectionSetupTimeoutMs: 20_000,
  maxArrivingRequests: 256,
  requestTimeoutMs: 10_000,
  maxTotalBufferedAnswerBytes: 32 * 1024 * 1024,
  unreadAnswerTimeoutMs: 60_000,
  maxBufferedAnswerBytes: 16 * 1024 * 1024,
  maxConnectionIdleMs: 300_000,
  keepaliveTimeMs: 120_000,
  keepaliveTimeoutMs: 20_000,
};

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseServerConfig(argv, env);

function configError(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parse(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(argv)} ${JSON.stringify(env)}`);
}

test('defaults', () => {
  expect(parse([])).toEqual(DEFAULTS);
});

test('the process environment is not read: only the env given', () => {
  expect(parse([], {})).toEqual(DEFAULTS);
});

describe('flags', () => {
  test.each<[string[], Partial<ServerConfig>]>([
    // The metrics listener follows --address's host, on port 9402, unless given.
    [['--address=127.0.0.1:9000'], { address: '127.0.0.1:9000', metricsAddress: '127.0.0.1:9402' }],
    [['--address', '[::1]:9000'], { address: '[::1]:9000', metricsAddress: '[::1]:9402' }],
    // A zone-scoped IPv6 literal (a link-local address on one interface): grpc-js and Node's http listen on it.
    [[`--address=[fe80::1%${AN_INTERFACE}]:8000`], { address: `[fe80::1%${AN_INTERFACE}]:8000`, metricsAddress: `[fe80::1%${AN_INTERFACE}]:9402` }],
    // A numeric zone is an interface's index, left to the system.
    [['--address=[fe80::1%2]:8000', '--health-address=[fe80::2%3]:8081'], { address: '[fe80::1%2]:8000', metricsAddress: '[fe80::1%2]:9402', healthAddress: '[fe80::2%3]:8081' }],
    [['--address=localhost:0'], { address: 'localhost:0', metricsAddress: 'localhost:9402' }],
    [['--address=127.0.0.1:9000', '--metrics-address=0.0.0.0:9100'], { address: '127.0.0.1:9000', metricsAddress: '0.0.0.0:9100' }],
    [['--address=127.0.0.1:9000', '--metrics-address='], { address: '127.0.0.1:9000', metricsAddress: undefined }],
    [['--max-users=10'], { maxUsers: 10 }],
    [['--max-concurrent-streams=8'], { maxConcurrentStreams: 8 }],
    [['--max-streaming-calls=5'], { maxStreamingCalls: 5 }],
    [['--max-connections=3'], { maxConnections: 3 }],
    [['--max-arriving-requests=64', '--request-timeout=30s'], { maxArrivingRequests: 64, requestTimeoutMs: 30_000 }],
    // Go's :port, every interface (the Go users-server's default was :8000).
    [['--address=:9000', '--health-address=:9001'], { address: '0.0.0.0:9000', metricsAddress: '0.0.0.0:9402', healthAddress: '0.0.0.0:9001' }],
    // As Go's flag package (the Go users-server's) reads them: one dash or two.
    [['-address=127.0.0.1:9000', '-logfmt', 'json', '-v'], { address: '127.0.0.1:9000', metricsAddress: '127.0.0.1:9402', logFormat: 'json', logLevel: 'debug' }],
    [['--connection-setup-timeout=500ms'], { connectionSetupTimeoutMs: 500 }],
    [['--max-total-buffered-answer-bytes=1024MiB', '--unread-answer-timeout=2m'], { maxTotalBufferedAnswerBytes: 1024 * 1024 * 1024, unreadAnswerTimeoutMs: 120_000 }],
    [['--max-buffered-answer-bytes=64MiB'], { maxBufferedAnswerBytes: 64 * 1024 * 1024 }],
    // The longest each may be: 2^31-1 ms, and 542h for the age (grpc-js adds up to 10% to it).
    [['--grace-period=596h31m23.647s', '--drain-delay=596h31m23.647s', '--max-connection-age=542h'], { gracePeriodMs: 2 ** 31 - 1, drainDelayMs: 2 ** 31 - 1, maxConnectionAgeMs: 542 * 3_600_000 }],
    [['--max-connection-idle=30s'], { maxConnectionIdleMs: 30_000 }],
    [['--keepalive-time=1m'], { keepaliveTimeMs: 60_000 }],
    [['--keepalive-timeout=5s'], { keepaliveTimeoutMs: 5000 }],
    [['--logfmt=json'], { logFormat: 'json' }],
    [['--logfmt', 'text'], { logFormat: 'text' }],
    [['--log-level=debug'], { logLevel: 'debug' }],
    [['--log-level=warn'], { logLevel: 'warn' }],
    [['--log-level=error'], { logLevel: 'error' }],
    [['-v'], { logLevel: 'debug' }],
    [['-v', '--log-level=error'], { logLevel: 'debug' }],
    [['--reflection=false'], { reflection: false }],
    [['--reflection', 'false'], { reflection: false }],
    [['--no-reflection'], { reflection: false }],
    [['--reflection'], { reflection: true }],
    [['--reflection=1'], { reflection: true }],
    [['--samples=false'], { samples: false }],
    [['--samples=F'], { samples: false }],
    [['--samples=0'], { samples: false }],
    [['--no-samples'], { samples: false }],
    [['--samples'], { samples: true }],
    [['--samples=TRUE'], { samples: true }],
    [['--samples-file=/data/users.json'], { samplesFile: '/data/users.json' }],
    [['--grace-period=500ms'], { gracePeriodMs: 500 }],
    [['--grace-period=2m'], { gracePeriodMs: 120_000 }],
    [['--grace-period=0'], { gracePeriodMs: 0 }],
    [['--grace-period=30'], { gracePeriodMs: 30_000 }],
    [['--metrics-address=127.0.0.1:9999'], { metricsAddress: '127.0.0.1:9999' }],
    [['--metrics-address='], { metricsAddress: undefined }],
    [['--metrics-address', ''], { metricsAddress: undefined }],
    [['--drain-delay=5s'], { drainDelayMs: 5000 }],
    [['--max-connection-age=1m', '--max-connection-age-grace=10s'], { maxConnectionAgeMs: 60_000, maxConnectionAgeGraceMs: 10_000 }],
    [['--max-connection-age=0'], { maxConnectionAgeMs: 0 }],
    [['--health-address=127.0.0.1:8081'], { healthAddress: '127.0.0.1:8081' }],
    [['--health-address='], { healthAddress: undefined }],
    // A repeated flag: the last one wins.
    [['--logfmt=json', '--logfmt=text'], { logFormat: 'text' }],
    [['--metrics-address=', '--metrics-address=127.0.0.1:0'], { metricsAddress: '127.0.0.1:0' }],
    [['--samples=false', '--samples'], { samples: true }],
    [['--address=127.0.0.1:1', '--address=127.0.0.1:2'], { address: '127.0.0.1:2', metricsAddress: '127.0.0.1:9402' }],
    [['--max-page-size=1'], { maxPageSize: 1 }],
    [['--max-page-size', '50000'], { maxPageSize: 50_000 }],
    [['--max-response-bytes=65536'], { maxResponseBytes: 65_536 }],
    [['--max-response-bytes=64KiB'], { maxResponseBytes: 65_536 }],
    [['--max-response-bytes=1.5MiB'], { maxResponseBytes: 1_572_864 }],
    [['--max-response-bytes=4MiB'], { maxResponseBytes: 4 * 1024 * 1024 }],
    [['--max-response-bytes=4194304'], { maxResponseBytes: 4_194_304 }],
    [['--max-response-bytes=3 MiB'], { maxResponseBytes: 3 * 1024 * 1024 }],
  ])('%j', (argv, expected) => {
    expect(parse(argv)).toEqual({ ...DEFAULTS, ...expected });
  });

  test('--tls-cert-file and --tls-key-file: TLS with the files\' contents', () => {
    expect(parse([`--tls-cert-file=${cert}`, `--tls-key-file=${key}`]).tls).toEqual({
      cert: readFileSync(cert),
      key: readFileSync(key),
      clientCa: undefined,
      paths: { cert, key, clientCa: undefined },
    });
  });

  test('--tls-client-ca-file too: mTLS', () => {
    expect(parse([`--tls-cert-file=${cert}`, `--tls-key-file=${key}`, `--tls-client-ca-file=${ca}`]).tls).toEqual({
      cert: readFileSync(cert),
      key: readFileSync(key),
      clientCa: readFileSync(ca),
      paths: { cert, key, clientCa: ca },
    });
  });
});

describe('environment fallbacks', () => {
  test.each<[NodeJS.ProcessEnv, Partial<ServerConfig>]>([
    [{ ADDRESS: '127.0.0.1:7000' }, { address: '127.0.0.1:7000', metricsAddress: '127.0.0.1:9402' }],
    [{ MAX_USERS: '1000' }, { maxUsers: 1000 }],
    [{ MAX_CONCURRENT_STREAMS: '50' }, { maxConcurrentStreams: 50 }],
    [{ MAX_STREAMING_CALLS: '20' }, { maxStreamingCalls: 20 }],
    [{ MAX_CONNECTIONS: '30' }, { maxConnections: 30 }],
    [{ MAX_BUFFERED_ANSWER_BYTES: '900KiB' }, { maxBufferedAnswerBytes: 900 * 1024 }],
    [{ MAX_CONNECTION_IDLE: '1h' }, { maxConnectionIdleMs: 3_600_000 }],
    [{ KEEPALIVE_TIME: '10s' }, { keepaliveTimeMs: 10_000 }],
    [{ KEEPALIVE_TIMEOUT: '1s' }, { keepaliveTimeoutMs: 1000 }],
    [{ PORT: '9000' }, { address: '0.0.0.0:9000' }],
    [{ PORT: '0' }, { address: '0.0.0.0:0' }],
    [{ ADDRESS: '127.0.0.1:7000', PORT: '9000' }, { address: '127.0.0.1:7000', metricsAddress: '127.0.0.1:9402' }],
    [{ LOG_FORMAT: 'json' }, { logFormat: 'json' }],
    [{ LOG_LEVEL: 'warn' }, { logLevel: 'warn' }],
    [{ REFLECTION: 'false' }, { reflection: false }],
    [{ REFLECTION: 'FALSE' }, { reflection: false }],
    [{ REFLECTION: 't' }, { reflection: true }],
    [{ SAMPLES: 'false' }, { samples: false }],
    [{ SAMPLES: '0' }, { samples: false }],
    [{ SAMPLES_FILE: '/data/users.json' }, { samplesFile: '/data/users.json' }],
    [{ GRACE_PERIOD: '1m30s' }, { gracePeriodMs: 90_000 }],
    [{ METRICS_ADDRESS: '127.0.0.1:9100' }, { metricsAddress: '127.0.0.1:9100' }],
    [{ METRICS_ADDRESS: '' }, { metricsAddress: undefined }],
    [{ MAX_PAGE_SIZE: '250' }, { maxPageSize: 250 }],
    [{ MAX_RESPONSE_BYTES: '1MiB' }, { maxResponseBytes: 1_048_576 }],
    [{ DRAIN_DELAY: '3s' }, { drainDelayMs: 3000 }],
    [{ MAX_CONNECTION_AGE: '2m', MAX_CONNECTION_AGE_GRACE: '5s' }, { maxConnectionAgeMs: 120_000, maxConnectionAgeGraceMs: 5000 }],
    [{ HEALTH_ADDRESS: '10.0.0.7:8081' }, { healthAddress: '10.0.0.7:8081' }],
  ])('%j', (env, expected) => {
    expect(parse([], env)).toEqual({ ...DEFAULTS, ...expected });
  });

  test.each([
    'ADDRESS', 'PORT', 'LOG_FORMAT', 'LOG_LEVEL', 'REFLECTION', 'SAMPLES', 'SAMPLES_FILE', 'GRACE_PERIOD', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'TLS_CLIENT_CA_FILE',
    'MAX_PAGE_SIZE', 'MAX_RESPONSE_BYTES', 'DRAIN_DELAY', 'MAX_CONNECTION_AGE', 'MAX_CONNECTION_AGE_GRACE', 'HEALTH_ADDRESS',
  ])(
    'an empty %s counts as unset',
    (name) => {
      expect(parse([], { [name]: '' })).toEqual(DEFAULTS);
    },
  );

  test('TLS_CERT_FILE, TLS_KEY_FILE and TLS_CLIENT_CA_FILE', () => {
    expect(parse([], { TLS_CERT_FILE: cert, TLS_KEY_FILE: key, TLS_CLIENT_CA_FILE: ca }).tls).toEqual({
      cert: readFileSync(cert),
      key: readFileSync(key),
      clientCa: readFileSync(ca),
      paths: { cert, key, clientCa: ca },
    });
  });

  test('a flag beats its environment variable', () => {
    const env = {
      ADDRESS: '127.0.0.1:7000',
      PORT: '9000',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'error',
      REFLECTION: 'false',
      SAMPLES: 'false',
      SAMPLES_FILE: '/env/users.json',
      GRACE_PERIOD: '1s',
      DRAIN_DELAY: '1s',
      MAX_CONNECTION_AGE: '1s',
      MAX_CONNECTION_AGE_GRACE: '1s',
      HEALTH_ADDRESS: '127.0.0.1:1',
      METRICS_ADDRESS: '127.0.0.1:9100',
      TLS_CERT_FILE: notPem,
      TLS_KEY_FILE: notPem,
      DATABASE_URL: 'postgres://env/users',
      DATABASE_POOL_SIZE: '5',
      MAX_PAGE_SIZE: '5',
      MAX_RESPONSE_BYTES: '128KiB',
    };
    const argv = [
      '--address=127.0.0.1:8001',
      '--logfmt=text',
      '--log-level=debug',
      '--reflection=true',
      '--samples=true',
      '--samples-file=/flag/users.json',
      '--grace-period=3s',
      '--drain-delay=4s',
      '--max-connection-age=2m',
      '--max-connection-age-grace=20s',
      '--health-address=127.0.0.1:8081',
      '--metrics-address=',
      `--tls-cert-file=${cert}`,
      `--tls-key-file=${key}`,
      '--database-url=pglite:memory',
      '--database-pool-size=20',
      '--max-page-size=7',
      '--max-response-bytes=1MiB',
    ];
    expect(parse(argv, env)).toEqual({
      ...DEFAULTS,
      address: '127.0.0.1:8001',
      logFormat: 'text',
      logLevel: 'debug',
      reflection: true,
      samples: true,
      samplesFile: '/flag/users.json',
      gracePeriodMs: 3000,
      drainDelayMs: 4000,
      maxConnectionAgeMs: 120_000,
      maxConnectionAgeGraceMs: 20_000,
      healthAddress: '127.0.0.1:8081',
      metricsAddress: undefined,
      maxPageSize: 7,
      maxResponseBytes: 1_048_576,
      tls: { cert: readFileSync(cert), key: readFileSync(key), clientCa: undefined, paths: { cert, key, clientCa: undefined } },
      database: { kind: 'pglite' },
      databasePoolSize: 20,
    });
  });

  test('--address beats PORT', () => {
    expect(parse(['--address=127.0.0.1:8001'], { PORT: '9000' }).address).toBe('127.0.0.1:8001');
  });
});

describe('bad values: one ConfigError line naming the flag or variable and what is allowed', () => {
  test.each<[string, string[], NodeJS.ProcessEnv, string]>([
    ['--address without port', ['--address=nope'], {}, 'invalid --address "nope": expected host:port, e.g. 0.0.0.0:8000'],
    [
      '--address with a zone this host lacks',
      ['--address=[fe80::1%nosuch0]:8000'],
      {},
      `invalid --address "[fe80::1%nosuch0]:8000": this host has no network interface "nosuch0" (it has ${Object.keys(networkInterfaces()).join(', ')})`,
    ],
    ['HEALTH_ADDRESS with a zone this host lacks', [], { HEALTH_ADDRESS: '[fe80::1%nosuch0]:8081' }, `invalid HEALTH_ADDRESS "[fe80::1%nosuch0]:8081": this host has no network interface "nosuch0" (it has ${Object.keys(networkInterfaces()).join(', ')})`],
    ['--address empty', ['--address='], {}, 'invalid --address "": expected host:port, e.g. 0.0.0.0:8000'],
    ['--address with spaces around', ['--address= 127.0.0.1:8000 '], {}, 'invalid --address " 127.0.0.1:8000 ": white space or control characters are not allowed'],
    ['ADDRESS ending in a newline', [], { ADDRESS: '127.0.0.1:8000\n' }, 'invalid ADDRESS "127.0.0.1:8000\\n": white space or control characters are not allowed'],
    ['--address with a tab inside', ['--address=127.0.0.1:\t8000'], {}, 'invalid --address "127.0.0.1:\\t8000": white space or control characters are not allowed'],
    ['METRICS_ADDRESS with a NUL', [], { METRICS_ADDRESS: '127.0.0.1:9402\u0000' }, 'invalid METRICS_ADDRESS "127.0.0.1:9402\\u0000": white space or control characters are not allowed'],
    ['--max-users 0', ['--max-users=0'], {}, 'invalid --max-users "0": expected a whole number from 1 to 999999999'],
    ['MAX_USERS not a number', [], { MAX_USERS: '10k' }, 'invalid MAX_USERS "10k": expected a whole number from 1 to 999999999'],
    ['--max-users with a database', ['--max-users=100', '--database-url=pglite:memory'], {}, '--max-users bounds the in-memory store only, not the pglite store of --database-url: remove it'],
    ['MAX_USERS with a database', [], { MAX_USERS: '100', DATABASE_URL: 'postgres://db/users' }, 'MAX_USERS bounds the in-memory store only, not the postgres store of DATABASE_URL: remove it'],
    ['--max-concurrent-streams negative', ['--max-concurrent-streams=-1'], {}, 'invalid --max-concurrent-streams "-1": expected a whole number from 1 to 999999999'],
    ['--max-streaming-calls 0', ['--max-streaming-calls=0'], {}, 'invalid --max-streaming-calls "0": expected a whole number from 1 to 1000000'],
    ['--max-connections 0', ['--max-connections=0'], {}, 'invalid --max-connections "0": expected a whole number from 1 to 1000000'],
    ['--connection-setup-timeout 0s', ['--connection-setup-timeout=0s'], {}, 'invalid --connection-setup-timeout "0s": must be at least 1ms'],
    ['--request-timeout 0s', ['--request-timeout=0s'], {}, 'invalid --request-timeout "0s": must be at least 1ms'],
    ['MAX_ARRIVING_REQUESTS 0', [], { MAX_ARRIVING_REQUESTS: '0' }, 'invalid MAX_ARRIVING_REQUESTS "0": expected a whole number from 1 to 1000000'],
    ['--unread-answer-timeout 0s', ['--unread-answer-timeout=0s'], {}, 'invalid --unread-answer-timeout "0s": must be at least 1ms'],
    ['MAX_TOTAL_BUFFERED_ANSWER_BYTES too small', [], { MAX_TOTAL_BUFFERED_ANSWER_BYTES: '1KiB' }, 'invalid MAX_TOTAL_BUFFERED_ANSWER_BYTES "1KiB": expected a size from 64KiB to 65536MiB, e.g. 3.5MiB, 512KiB or 3670016 (bytes)'],
    ['--max-buffered-answer-bytes too small', ['--max-buffered-answer-bytes=1KiB'], {}, 'invalid --max-buffered-answer-bytes "1KiB": expected a size from 64KiB to 1024MiB, e.g. 3.5MiB, 512KiB or 3670016 (bytes)'],
    ['MAX_BUFFERED_ANSWER_BYTES in GB', [], { MAX_BUFFERED_ANSWER_BYTES: '1GB' }, 'invalid MAX_BUFFERED_ANSWER_BYTES "1GB": expected a size from 64KiB to 1024MiB, e.g. 3.5MiB, 512KiB or 3670016 (bytes)'],
    ['MAX_STREAMING_CALLS not a number', [], { MAX_STREAMING_CALLS: 'many' }, 'invalid MAX_STREAMING_CALLS "many": expected a whole number from 1 to 1000000'],
    ['--max-connection-idle', ['--max-connection-idle=forever'], {}, 'invalid --max-connection-idle "forever": expected a duration such as 10s, 500ms or 2m'],
    ['KEEPALIVE_TIME', [], { KEEPALIVE_TIME: 'often' }, 'invalid KEEPALIVE_TIME "often": expected a duration such as 10s, 500ms or 2m'],
    ['--address with a port too big', ['--address=0.0.0.0:70000'], {}, 'invalid --address "0.0.0.0:70000": port 70000 is out of range (0 to 65535)'],
    ['--address with port 99999', ['--address=127.0.0.1:99999'], {}, 'invalid --address "127.0.0.1:99999": port 99999 is out of range (0 to 65535)'],
    ['METRICS_ADDRESS with a six-digit port', [], { METRICS_ADDRESS: '[::1]:123456' }, 'invalid METRICS_ADDRESS "[::1]:123456": port 123456 is out of range (0 to 65535)'],
    ['ADDRESS', [], { ADDRESS: 'localhost' }, 'invalid ADDRESS "localhost": expected host:port, e.g. 0.0.0.0:8000'],
    ['PORT not a number', [], { PORT: 'http' }, 'invalid PORT "http": expected a port number from 0 to 65535'],
    ['PORT too big', [], { PORT: '65536' }, 'invalid PORT "65536": expected a port number from 0 to 65535'],
    ['PORT negative', [], { PORT: '-1' }, 'invalid PORT "-1": expected a port number from 0 to 65535'],
    ['--logfmt', ['--logfmt=xml'], {}, 'invalid --logfmt "xml": allowed values are text, json'],
    ['LOG_FORMAT', [], { LOG_FORMAT: 'JSON' }, 'invalid LOG_FORMAT "JSON": allowed values are text, json'],
    ['--log-level', ['--log-level=trace'], {}, 'invalid --log-level "trace": allowed values are error, warn, info, debug'],
    ['LOG_LEVEL', [], { LOG_LEVEL: 'verbose' }, 'invalid LOG_LEVEL "verbose": allowed values are error, warn, info, debug'],
    ['--reflection', ['--reflection=maybe'], {}, 'invalid --reflection "maybe": expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)'],
    ['--reflection empty', ['--reflection='], {}, 'invalid --reflection "": expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)'],
    ['REFLECTION', [], { REFLECTION: 'maybe' }, 'invalid REFLECTION "maybe": expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)'],
    ['--samples', ['--samples=maybe'], {}, 'invalid --samples "maybe": expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)'],
    ['SAMPLES', [], { SAMPLES: '2' }, 'invalid SAMPLES "2": expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)'],
    ['--samples-file empty', ['--samples-file='], {}, 'invalid --samples-file: expected a file path'],
    ['--tls-cert-file empty', ['--tls-cert-file=', '--tls-key-file=/k.pem'], {}, 'invalid --tls-cert-file: expected a file path'],
    ['--samples-file with --samples=false', ['--samples=false', '--samples-file=/u.json'], {}, '--samples-file cannot be used with samples turned off (--samples=false or SAMPLES=false)'],
    ['SAMPLES_FILE with SAMPLES=false', [], { SAMPLES: 'false', SAMPLES_FILE: '/u.json' }, 'SAMPLES_FILE cannot be used with samples turned off (--samples=false or SAMPLES=false)'],
    ['a value with a newline stays on one line', ['--logfmt=te\nxt'], {}, 'invalid --logfmt "te\\nxt": allowed values are text, json'],
    ['an env value with a newline stays on one line', [], { GRACE_PERIOD: '1s\n2s' }, 'invalid GRACE_PERIOD "1s\\n2s": expected a duration such as 10s, 500ms or 2m'],
    ['--grace-period', ['--grace-period=soon'], {}, 'invalid --grace-period "soon": expected a duration such as 10s, 500ms or 2m'],
    ['--grace-period negative', ['--grace-period=-1s'], {}, 'invalid --grace-period "-1s": expected a duration such as 10s, 500ms or 2m'],
    ['GRACE_PERIOD', [], { GRACE_PERIOD: '10 seconds' }, 'invalid GRACE_PERIOD "10 seconds": expected a duration such as 10s, 500ms or 2m'],
    ['--metrics-address', ['--metrics-address=9402'], {}, 'invalid --metrics-address "9402": expected host:port, e.g. 0.0.0.0:8000'],
    ['METRICS_ADDRESS', [], { METRICS_ADDRESS: 'metrics:' }, 'invalid METRICS_ADDRESS "metrics:": expected host:port, e.g. 0.0.0.0:8000'],
    ['--address :port out of range', ['--address=:99999'], {}, 'invalid --address ":99999": port 99999 is out of range (0 to 65535)'],
    ['--max-page-size 0', ['--max-page-size=0'], {}, 'invalid --max-page-size "0": expected a whole number from 1 to 999999'],
    ['--max-page-size negative', ['--max-page-size=-5'], {}, 'invalid --max-page-size "-5": expected a whole number from 1 to 999999'],
    ['--max-page-size huge', ['--max-page-size=1000000'], {}, 'invalid --max-page-size "1000000": expected a whole number from 1 to 999999'],
    ['MAX_PAGE_SIZE', [], { MAX_PAGE_SIZE: '1e3' }, 'invalid MAX_PAGE_SIZE "1e3": expected a whole number from 1 to 999999'],
    ['--max-response-bytes too small', ['--max-response-bytes=65535'], {}, 'invalid --max-response-bytes "65535": expected a size from 64KiB to 4MiB (gRPC clients refuse a larger answer by default), e.g. 3.5MiB, 512KiB or 3670016 (bytes)'],
    ['--max-response-bytes past the clients\' 4 MiB', ['--max-response-bytes=4194305'], {}, 'invalid --max-response-bytes "4194305": expected a size from 64KiB to 4MiB (gRPC clients refuse a larger answer by default), e.g. 3.5MiB, 512KiB or 3670016 (bytes)'],
    ['--max-response-bytes 1024MiB', ['--max-response-bytes=1024MiB'], {}, 'invalid --max-response-bytes "1024MiB": expected a size from 64KiB to 4MiB (gRPC clients refuse a larger answer by default), e.g. 3.5MiB, 512KiB or 3670016 (bytes)'],
    ['--max-response-bytes unit', ['--max-response-bytes=4MB'], {}, 'invalid --max-response-bytes "4MB": expected a size from 64KiB to 4MiB (gRPC clients refuse a larger answer by default), e.g. 3.5MiB, 512KiB or 3670016 (bytes)'],
    ['MAX_RESPONSE_BYTES', [], { MAX_RESPONSE_BYTES: 'lots' }, 'invalid MAX_RESPONSE_BYTES "lots": expected a size from 64KiB to 4MiB (gRPC clients refuse a larger answer by default), e.g. 3.5MiB, 512KiB or 3670016 (bytes)'],
    ['--drain-delay', ['--drain-delay=soon'], {}, 'invalid --drain-delay "soon": expected a duration such as 10s, 500ms or 2m'],
    ['--drain-delay past 2^31-1 ms', ['--drain-delay=1000h'], {}, 'invalid --drain-delay "1000h": longer than 596h31m23.647s (2^31-1 ms, about 24.8 days: the longest timer Node.js keeps)'],
    ['--grace-period past 2^31-1 ms', ['--grace-period=2147483648ms'], {}, 'invalid --grace-period "2147483648ms": longer than 596h31m23.647s (2^31-1 ms, about 24.8 days: the longest timer Node.js keeps)'],
    ['--max-connection-age-grace past 2^31-1 ms', ['--max-connection-age-grace=600h'], {}, 'invalid --max-connection-age-grace "600h": longer than 596h31m23.647s (2^31-1 ms, about 24.8 days: the longest timer Node.js keeps)'],
    ['--max-connection-idle past 2^31-1 ms', ['--max-connection-idle=9999h'], {}, 'invalid --max-connection-idle "9999h": longer than 596h31m23.647s (2^31-1 ms, about 24.8 days: the longest timer Node.js keeps)'],
    ['KEEPALIVE_TIME past 2^31-1 ms', [], { KEEPALIVE_TIME: '2147484' }, 'invalid KEEPALIVE_TIME "2147484": longer than 596h31m23.647s (2^31-1 ms, about 24.8 days: the longest timer Node.js keeps)'],
    ['--keepalive-timeout past 2^31-1 ms', ['--keepalive-timeout=700h'], {}, 'invalid --keepalive-timeout "700h": longer than 596h31m23.647s (2^31-1 ms, about 24.8 days: the longest timer Node.js keeps)'],
    ['--max-connection-age past 542h (grpc-js adds up to 10%)', ['--max-connection-age=720h'], {}, 'invalid --max-connection-age "720h": longer than 542h (grpc-js adds up to 10% to it, and a timer is at most 2^31-1 ms)'],
    ['MAX_CONNECTION_AGE just past 542h', [], { MAX_CONNECTION_AGE: '542h0.001s' }, 'invalid MAX_CONNECTION_AGE "542h0.001s": longer than 542h (grpc-js adds up to 10% to it, and a timer is at most 2^31-1 ms)'],
    ['MAX_CONNECTION_AGE', [], { MAX_CONNECTION_AGE: 'forever' }, 'invalid MAX_CONNECTION_AGE "forever": expected a duration such as 10s, 500ms or 2m'],
    ['--max-connection-age-grace', ['--max-connection-age-grace=-1s'], {}, 'invalid --max-connection-age-grace "-1s": expected a duration such as 10s, 500ms or 2m'],
    ['--health-address', ['--health-address=8081'], {}, 'invalid --health-address "8081": expected host:port, e.g. 0.0.0.0:8000'],
    ['an unknown flag', ['--port=8000'], {}, 'unknown flag --port (see --help)'],
    ['a misspelt flag', ['--adress=127.0.0.1:8000'], {}, 'unknown flag --adress (did you mean --address?) (see --help)'],
    ['a positional argument', ['serve'], {}, 'unexpected argument "serve" (see --help)'],
    ['a misspelt migrate', ['migrat'], {}, 'unexpected argument "migrat" (did you mean migrate?) (see --help)'],
    ['a misspelt flag with one dash, Go style', ['-adress=127.0.0.1:8000'], {}, 'unknown flag -adress (did you mean --address?) (see --help)'],
    ['two unknown flags: the first is named', ['--foo', '--bar'], {}, 'unknown flag --foo (see --help)'],
  ])('%s', (_what, argv, env, message) => {
    expect(configError(argv, env)).toBe(message);
  });

  test('TLS files', () => {
    const missing = `${dir.path}/missing.crt`;
    expect(configError([`--tls-cert-file=${cert}`])).toBe('--tls-cert-file needs --tls-key-file too');
    expect(configError([`--tls-key-file=${key}`])).toBe('--tls-key-file needs --tls-cert-file too');
    expect(configError([], { TLS_CERT_FILE: cert })).toBe('TLS_CERT_FILE needs --tls-key-file too');
    expect(configError([], { TLS_KEY_FILE: key })).toBe('TLS_KEY_FILE needs --tls-cert-file too');
    expect(configError([`--tls-client-ca-file=${ca}`])).toBe('--tls-client-ca-file needs --tls-cert-file and --tls-key-file');
    expect(configError([], { TLS_CLIENT_CA_FILE: ca })).toBe('TLS_CLIENT_CA_FILE needs --tls-cert-file and --tls-key-file');
    expect(configError([`--tls-cert-file=${missing}`, `--tls-key-file=${key}`])).toBe(`invalid --tls-cert-file "${missing}": no such file`);
    expect(configError([`--tls-cert-file=${cert}`, `--tls-key-file=${missing}`])).toBe(`invalid --tls-key-file "${missing}": no such file`);
    expect(configError([`--tls-cert-file=${notPem}`, `--tls-key-file=${key}`])).toBe(`invalid --tls-cert-file "${notPem}": not a PEM file`);
    expect(configError([`--tls-cert-file=${cert}`, `--tls-key-file=${key}`, `--tls-client-ca-file=${notPem}`])).toBe(
      `invalid --tls-client-ca-file "${notPem}": not a PEM file`,
    );
    expect(configError([], { TLS_CERT_FILE: cert, TLS_KEY_FILE: dir.path })).toBe(
      `invalid TLS_KEY_FILE "${dir.path}": is a directory`,
    );
  });

  test('TLS files are parsed with node:crypto: garbage, a key for a certificate, a key that does not match', () => {
    const garbage = dir.write('garbage.pem', '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    const garbageKey = dir.write('garbage.key', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    const tls = (c: string, k: string, a?: string) => configError([`--tls-cert-file=${c}`, `--tls-key-file=${k}`, ...(a ? [`--tls-client-ca-file=${a}`] : [])]);
    expect(tls(garbage, key)).toMatch(new RegExp(`^invalid --tls-cert-file "${garbage}": not a PEM certificate \\([^\n]+\\)$`));
    expect(tls(cert, garbageKey)).toMatch(new RegExp(`^invalid --tls-key-file "${garbageKey}": not a PEM private key \\([^\n]+\\)$`));
    expect(tls(key, key)).toBe(`invalid --tls-cert-file "${key}": expected a CERTIFICATE, the file holds a PRIVATE KEY`);
    expect(tls(cert, cert)).toBe(`invalid --tls-key-file "${cert}": expected a PRIVATE KEY, the file holds a CERTIFICATE`);
    expect(tls(cert, certificates.clientKey)).toBe(
      `--tls-key-file "${certificates.clientKey}" is not the key of the certificate in --tls-cert-file "${cert}"`,
    );
    // The client CA: garbage, or a private key in its place, is refused at start-up, not at every handshake.
    expect(tls(cert, key, garbage)).toMatch(new RegExp(`^invalid --tls-client-ca-file "${garbage}": not a PEM certificate \\([^\n]+\\)$`));
    expect(tls(cert, key, certificates.clientKey)).toBe(
      `invalid --tls-client-ca-file "${certificates.clientKey}": expected a CERTIFICATE, the file holds a PRIVATE KEY`,
    );
    expect(tls(cert, key, notPem)).toBe(`invalid --tls-client-ca-file "${notPem}": not a PEM file`);
  });

  test('an endless or oversized file, an encrypted key, a key where a certificate goes: one line each', () => {
    expect(configError([`--tls-cert-file=/dev/zero`, `--tls-key-file=${key}`])).toBe('invalid --tls-cert-file "/dev/zero": larger than 1 MiB');
    const plain = createPrivateKey(readFileSync(key));
    const type = plain.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1';
    const encrypted = [
      dir.write('encrypted-pkcs8.key', String(plain.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' }))),
      dir.write(`encrypted-${type}.key`, String(plain.export({ format: 'pem', type, cipher: 'aes-256-cbc', passphrase: 'secret' }))),
    ];
    for (const file of encrypted) {
      expect(configError([`--tls-cert-file=${cert}`, `--tls-key-file=${file}`])).toBe(
        `invalid --tls-key-file "${file}": the private key is encrypted with a passphrase: give it unencrypted (openssl pkey -in KEY -out PLAIN-KEY)`,
      );
    }
    expect(configError([`--tls-cert-file=${encrypted[0]}`, `--tls-key-file=${key}`])).toBe(
      `invalid --tls-cert-file "${encrypted[0]}": expected a CERTIFICATE, the file holds an ENCRYPTED PRIVATE KEY`,
    );
  });

  test('a combined certificate-and-key file serves as both; a block cut short is named', () => {
    const combined = dir.write('combined.pem', readFileSync(cert, 'latin1') + readFileSync(key, 'latin1'));
    expect(parse([`--tls-cert-file=${combined}`, `--tls-key-file=${combined}`]).tls).toEqual({
      cert: readFileSync(combined),
      key: readFileSync(combined),
      clientCa: undefined,
      paths: { cert: combined, key: combined, clientCa: undefined },
    });
    const certText = readFileSync(cert, 'latin1');
    const cut = dir.write('cut.crt', certText.slice(0, certText.length / 2));
    expect(configError([`--tls-cert-file=${cut}`, `--tls-key-file=${key}`])).toBe(`invalid --tls-cert-file "${cut}": not a PEM certificate (a block has no END line)`);
  });
});

describe('two listeners on one address: refused when parsed, not after the store opened and the samples loaded', () => {
  test.each<[string[], NodeJS.ProcessEnv, string]>([
    [['--address=127.0.0.1:18845', '--health-address=127.0.0.1:18845'], {}, '--health-address 127.0.0.1:18845 and --address 127.0.0.1:18845 cannot both listen on port 18845: give them different ports'],
    [['--address=0.0.0.0:8000', '--metrics-address=127.0.0.1:8000'], {}, '--metrics-address 127.0.0.1:8000 and --address 0.0.0.0:8000 cannot both listen on port 8000: give them different ports'],
    [['--address=127.0.0.1:8000'], { METRICS_ADDRESS: '127.0.0.1:9500', HEALTH_ADDRESS: ':9500' }, 'HEALTH_ADDRESS 0.0.0.0:9500 and METRICS_ADDRESS 127.0.0.1:9500 cannot both listen on port 9500: give them different ports'],
    // The default metrics port, on --address's port.
    [['--address=127.0.0.1:9402'], {}, '--metrics-address 127.0.0.1:9402 and --address 127.0.0.1:9402 cannot both listen on port 9402: give them different ports'],
  ])('%j %j', (argv, env, message) => {
    expect(configError(argv, env)).toBe(message);
  });

  test('other hosts on one port, or port 0 (the system picks), are fine', () => {
    expect(parse(['--address=127.0.0.1:8000', '--health-address=127.0.0.2:8000']).healthAddress).toBe('127.0.0.2:8000');
    expect(parse(['--address=127.0.0.1:0', '--metrics-address=127.0.0.1:0', '--health-address=127.0.0.1:0']).metricsAddress).toBe('127.0.0.1:0');
  });
});
