import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  resolveConnectionConfig,
  resolveCreateInput,
  resolveGetInput,
  resolveHealthInput,
  resolveOutputConfig,
  resolveSearchInput,
  type CliEnvironment,
} from '../../src/cli/config';
import { ConfigError } from '../../src/shared/config-error';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { makeTempDir, type TempDir } from '../support/temp-dir';

let home: TempDir;
let noHome: string;
beforeAll(() => {
  home = makeTempDir('users-cli-home-');
  noHome = path.join(home.path, 'does-not-exist');
});
afterAll(() => home.cleanup());

const environment = (overrides: Partial<CliEnvironment> = {}): CliEnvironment => ({ env: {}, homeDir: noHome, stdoutIsTTY: false, ...overrides });

/** Expects a ConfigError (exit 2) with exactly this message. */
function expectConfigError(fn: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  expect((thrown as Error).message).toBe(message);
}

describe('address precedence: --address > ADDRESS > config file > default', () => {
  let configHome: string;
  beforeAll(() => {
    configHome = path.join(home.path, 'with-config');
    mkdirSync(configHome);
    writeFileSync(path.join(configHome, '.users-cli.yml'), 'address: config.example:3000\n');
  });
  const resolve = (args: Record<string, unknown>, env: NodeJS.ProcessEnv, homeDir: string) =>
    resolveConnectionConfig(args, environment({ env, homeDir }));

  test('the default is localhost:8000', () => {
    expect(resolve({}, {}, noHome)).toMatchObject({ address: 'localhost:8000', addressSource: 'default' });
  });

  test('the config file beats the default', () => {
    expect(resolve({}, {}, configHome)).toMatchObject({ address: 'config.example:3000', addressSource: path.join(configHome, '.users-cli.yml') });
  });

  test('ADDRESS beats the config file', () => {
    expect(resolve({}, { ADDRESS: 'env.example:2000' }, configHome)).toMatchObject({ address: 'env.example:2000', addressSource: 'ADDRESS' });
  });

  test('an empty ADDRESS counts as unset', () => {
    expect(resolve({}, { ADDRESS: '' }, configHome)).toMatchObject({ address: 'config.example:3000' });
  });

  test('--address beats everything', () => {
    expect(resolve({ address: 'flag.example:1000' }, { ADDRESS: 'env.example:2000' }, configHome)).toMatchObject({
      address: 'flag.example:1000',
      addressSource: '--address',
    });
  });

  test('--config names another file', () => {
    const file = home.write('other.yml', 'address: "[::1]:4000"\n');
    expect(resolve({ config: file }, {}, configHome)).toMatchObject({ address: '[::1]:4000', addressSource: file });
  });

  test('`:PORT` means localhost, as in the Go CLI', () => {
    expect(resolve({ address: ':9000' }, {}, noHome).address).toBe('localhost:9000');
  });

  test('a bad address names where it came from', () => {
    expectConfigError(() => resolve({ address: 'nope' }, {}, noHome), 'invalid --address "nope": expected host:port, e.g. localhost:8000');
    expectConfigError(() => resolve({}, { ADDRESS: 'host:99999' }, noHome), 'invalid ADDRESS "host:99999": expected host:port, e.g. localhost:8000');
    const file = home.write('bad-address.yml', 'address: localhost\n');
    expectConfigError(() => resolve({ config: file }, {}, noHome), `invalid address in ${file} "localhost": expected host:port, e.g. localhost:8000`);
  });
});

describe('config file', () => {
  const resolveWith = (file: string) => resolveConnectionConfig({ config: file }, environment());

  test('a missing --config file is an error, a missing default file is not', () => {
    const missing = path.join(home.path, 'missing.yml');
    expectConfigError(() => resolveWith(missing), `cannot read config file ${missing}: no such file`);
    expect(resolveConnectionConfig({}, environment()).address).toBe('localhost:8000');
  });

  test('a directory is an error', () => {
    expectConfigError(() => resolveWith(home.path), `cannot read config file ${home.path}: is a directory`);
  });

  test('bad YAML gives the parser message on one line', () => {
    const file = home.write('bad.yml', 'address: [unclosed\n');
    expectConfigError(() => resolveWith(file), `invalid config file ${file}: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1`);
  });

  test('an empty file is fine', () => {
    expect(resolveWith(home.write('empty.yml', '# nothing yet\n')).address).toBe('localhost:8000');
  });

  test('a document that is not keys and values is an error', () => {
    const file = home.write('list.yml', '- address\n');
    expectConfigError(() => resolveWith(file), `invalid config file ${file}: expected keys and values, e.g. "address: localhost:8000"`);
  });

  test('a wrong-typed address is an error', () => {
    const file = home.write('number.yml', 'address: 8000\n');
    expectConfigError(() => resolveWith(file), `invalid config file ${file}: "address" must be a string such as localhost:8000, got 8000`);
  });

  test('an unknown key is an error, so typos do not go unnoticed', () => {
    const file = home.write('typo.yml', 'adress: localhost:8000\n');
    expectConfigError(() => resolveWith(file), `invalid config file ${file}: unknown key "adress" (known keys: address)`);
  });

  test('is checked even when --address is given', () => {
    const file = home.write('typo2.yml', 'adress: x\n');
    expectConfigError(
      () => resolveConnectionConfig({ config: file, address: 'localhost:1' }, environment()),
      `invalid config file ${file}: unknown key "adress" (known keys: address)`,
    );
  });

  test('an empty --config is an error', () => {
    expectConfigError(() => resolveWith(''), 'invalid --config "": expected a file path');
  });
});

describe('--timeout', () => {
  const timeout = (value?: string) => {
    const config = resolveConnectionConfig(value === undefined ? {} : { timeout: value }, environment());
    return [config.timeoutMs, config.timeoutText];
  };

  test('defaults to 10s', () => expect(timeout()).toEqual([10_000, '10s']));
  test('takes 500ms, 2m, 1m30s', () => {
    expect(timeout('500ms')).toEqual([500, '500ms']);
    expect(timeout('2m')).toEqual([120_000, '2m']);
    expect(timeout('1m30s')).toEqual([90_000, '1m30s']);
  });
  test('a bare number means seconds', () => {
    expect(timeout('3')).toEqual([3000, '3s']);
    expect(timeout('0.5')).toEqual([500, '0.5s']);
  });
  test.each(['fast', '-1s', '0', '0ms', '10 s', ''])('rejects %j', (value) => {
    expectConfigError(() => timeout(value), `invalid --timeout "${value}": expected a positive duration such as 10s, 500ms or 2m`);
  });
});

describe('TLS flags', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = makeTestCertificates();
  });
  afterAll(() => certs.cleanup());
  const tls = (args: Record<string, unknown>) => resolveConnectionConfig(args, environment()).tls;

  test('plaintext by default, and with --cleartext', () => {
    expect(tls({})).toBeUndefined();
    expect(tls({ cleartext: true })).toBeUndefined();
  });

  test('--tls alone trusts the system CAs', () => {
    expect(tls({ tls: true })).toEqual({ ca: undefined, clientCert: undefined, serverName: undefined });
  });

  test.each([['cacert'], ['servername']])('--%s implies --tls', (flag) => {
    const value = flag === 'cacert' ? certs.caCert : 'users.example.com';
    expect(tls({ [flag]: value })).toBeDefined();
  });

  test('--cert and --key give a client certificate; they imply --tls', () => {
    const config = tls({ cert: certs.clientCert, key: certs.clientKey });
    expect(config?.clientCert?.cert.toString()).toContain('-----BEGIN CERTIFICATE-----');
    expect(config?.clientCert?.key.toString()).toContain('-----BEGIN PRIVATE KEY-----');
  });

  test('--cacert is read', () => {
    expect(tls({ cacert: certs.caCert })?.ca?.toString()).toContain('-----BEGIN CERTIFICATE-----');
  });

  test('--servername is kept', () => {
    expect(tls({ servername: 'users.example.com' })?.serverName).toBe('users.example.com');
  });

  test('--cert and --key go together', () => {
    expectConfigError(() => tls({ cert: certs.clientCert }), '--cert needs --key too');
    expectConfigError(() => tls({ key: certs.clientKey }), '--key needs --cert too');
  });

  test('--cleartext contradicts TLS', () => {
    const message = '--cleartext cannot be combined with --tls, --cacert, --cert, --key or --servername';
    expectConfigError(() => tls({ cleartext: true, tls: true }), message);
    expectConfigError(() => tls({ cleartext: true, cacert: certs.caCert }), message);
  });

  test('a missing, non-PEM or unreadable file is named', () => {
    const missing = path.join(certs.dir, 'nope.crt');
    expectConfigError(() => tls({ cacert: missing }), `invalid --cacert "${missing}": no such file`);
    const notPem = home.write('not-pem.crt', 'hello\n');
    expectConfigError(() => tls({ cacert: notPem }), `invalid --cacert "${notPem}": not a PEM file`);
    expectConfigError(() => tls({ cert: certs.dir, key: certs.clientKey }), `invalid --cert "${certs.dir}": is a directory`);
  });

  test('a bad --servername', () => {
    expectConfigError(() => tls({ servername: 'a b' }), 'invalid --servername "a b": expected a host name such as users.example.com');
  });
});

describe('output config', () => {
  const output = (args: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, stdoutIsTTY = false) =>
    resolveOutputConfig(args, environment({ env, stdoutIsTTY }));

  test('text by default; -o json', () => {
    expect(output({}).format).toBe('text');
    expect(output({ output: 'json' }).format).toBe('json');
    expectConfigError(() => output({ output: 'yaml' }), 'invalid --output "yaml": allowed values are text, json');
  });

  test('auto colours only on a terminal', () => {
    expect(output({}, {}, true).color).toBe(true);
    expect(output({}, {}, false).color).toBe(false);
    expect(output({ color: 'auto' }, {}, true).color).toBe(true);
  });

  test('a non-empty NO_COLOR turns automatic colours off; an empty one does not', () => {
    expect(output({}, { NO_COLOR: '1' }, true).color).toBe(false);
    expect(output({}, { NO_COLOR: '' }, true).color).toBe(true);
  });

  test('--color=always forces colours, even with NO_COLOR and no terminal', () => {
    expect(output({ color: 'always' }, { NO_COLOR: '1' }, false).color).toBe(true);
  });

  test('--color=never, --no-color', () => {
    expect(output({ color: 'never' }, {}, true).color).toBe(false);
    expect(output({ color: false }, {}, true).color).toBe(false);
  });

  test('a bare --color means always', () => {
    expect(output({ color: '' }).color).toBe(true);
  });

  test('a bad --color', () => {
    expectConfigError(() => output({ color: 'sometimes' }), 'invalid --color "sometimes": allowed values are auto, always, never');
  });

  test('-v', () => {
    expect(output({}).verbose).toBe(false);
    expect(output({ verbose: true }).verbose).toBe(true);
  });
});

describe('command input', () => {
  test('create: the user to send, with an empty id and age 0 when not given', () => {
    expect(resolveCreateInput({ email: 'a@x.io' })).toEqual({ id: '', email: 'a@x.io', name: { first: '', last: '' }, age: 0, address: '', phone: '' });
    expect(
      resolveCreateInput({ email: 'a@x.io', firstname: 'Ana', lastname: 'Muñoz', age: '41', postaladdress: 'Calle Mayor 21', phone: '+34 1' }),
    ).toEqual({ id: '', email: 'a@x.io', name: { first: 'Ana', last: 'Muñoz' }, age: 41, address: 'Calle Mayor 21', phone: '+34 1' });
  });

  test('create needs --email', () => {
    expectConfigError(() => resolveCreateInput({}), 'create needs --email=EMAIL');
    expectConfigError(() => resolveCreateInput({ email: ' ' }), 'create needs --email=EMAIL');
  });

  test.each(['abc', '4.5', '', '1e3', '99999999999'])('create rejects --age=%j', (age) => {
    expectConfigError(() => resolveCreateInput({ email: 'a@x.io', age }), `invalid --age "${age}": expected a whole number`);
  });

  test('create passes a negative or too high age on: the server names the limits', () => {
    expect(resolveCreateInput({ email: 'a@x.io', age: '-1' }).age).toBe(-1);
    expect(resolveCreateInput({ email: 'a@x.io', age: '200' }).age).toBe(200);
  });

  test('a flag without a value is named', () => {
    expectConfigError(() => resolveCreateInput({ email: true }), 'invalid --email: expected a value, e.g. --email=VALUE');
  });

  test('get needs an email', () => {
    expect(resolveGetInput({ email: 'a@x.io' })).toEqual({ email: 'a@x.io' });
    expectConfigError(() => resolveGetInput({}), 'get needs an EMAIL, e.g. users-cli get alice@example.com');
  });

  test('search by name or by age', () => {
    expect(resolveSearchInput({ name: 'mael' })).toEqual({ by: 'name', name: 'mael' });
    expect(resolveSearchInput({ agefrom: '30', ageto: '42' })).toEqual({ by: 'age', from: 30, toIncluded: 42 });
  });

  test('search takes exactly one mode', () => {
    expectConfigError(() => resolveSearchInput({}), 'search needs --name=PART, or --agefrom=N and --ageto=M');
    expectConfigError(() => resolveSearchInput({ name: 'x', agefrom: '1', ageto: '2' }), 'search takes either --name or --agefrom/--ageto, not both');
    expectConfigError(() => resolveSearchInput({ name: 'x', ageto: '2' }), 'search takes either --name or --agefrom/--ageto, not both');
    expectConfigError(() => resolveSearchInput({ agefrom: '1' }), '--agefrom needs --ageto too');
    expectConfigError(() => resolveSearchInput({ ageto: '1' }), '--ageto needs --agefrom too');
    expectConfigError(() => resolveSearchInput({ name: '' }), 'invalid --name "": expected part of a name');
  });

  test('search ages are whole numbers', () => {
    expectConfigError(() => resolveSearchInput({ agefrom: 'ten', ageto: '20' }), 'invalid --agefrom "ten": expected a whole number');
    expectConfigError(() => resolveSearchInput({ agefrom: '10', ageto: '2x' }), 'invalid --ageto "2x": expected a whole number');
  });

  test('health checks the whole server unless --service is given', () => {
    expect(resolveHealthInput({})).toEqual({ service: '' });
    expect(resolveHealthInput({ service: 'user.UserService' })).toEqual({ service: 'user.UserService' });
  });
});
