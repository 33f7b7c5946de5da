import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { resolveSettings, type CliEnvironment, type Settings } from '../../src/cli/settings';
import { ConfigError } from '../../src/shared/config-error';
import { runCliInProcess } from '../support/cli-in-process';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { makeTempDir, type TempDir } from '../support/temp-dir';

// Global settings as the Go users-cli (viper) resolves them: flag > variable >
// config file > default, with its key and variable names.

let tmp: TempDir;
let certs: TestCertificates;
beforeAll(() => {
  tmp = makeTempDir('users-cli-settings-');
  certs = makeTestCertificates();
});
afterAll(() => {
  tmp.cleanup();
  certs.cleanup();
});

let homes = 0;
/** A home directory holding these files (name → contents). */
function home(files: Record<string, string> = {}): string {
  const dir = path.join(tmp.path, `home-${(homes += 1)}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const resolve = (args: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, homeDir = home()): Promise<Settings> =>
  resolveSettings(args, { env, homeDir, stdoutIsTTY: false } satisfies CliEnvironment);

async function expectConfigError(promise: Promise<unknown>, message: string): Promise<void> {
  await expect(promise).rejects.toThrow(ConfigError);
  await expect(promise).rejects.toThrow(new ConfigError(message));
}

async function expectConfigErrorMatching(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await expect(promise).rejects.toThrow(ConfigError);
  await expect(promise).rejects.toThrow(message);
}

describe('-o table width', () => {
  const columnsOf = async (environment: Partial<CliEnvironment>) =>
    (await resolveSettings({}, { env: {}, homeDir: home(), stdoutIsTTY: false, ...environment })).output.columns;

  test("a terminal's width; else COLUMNS; else none (never cut)", async () => {
    expect(await columnsOf({ stdoutIsTTY: true, columns: 100, env: { COLUMNS: '200' } })).toBe(100);
    expect(await columnsOf({ env: { COLUMNS: '200' } })).toBe(200);
    expect(await columnsOf({ env: { COLUMNS: ' 60 ' } })).toBe(60);
    expect(await columnsOf({})).toBeUndefined();
    for (const junk of ['', 'wide', '0', '-5', '1.5']) expect(await columnsOf({ env: { COLUMNS: junk } })).toBeUndefined();
  });
});

describe('precedence: flag > environment > config file > default, shown by -v', () => {
  const file = 'address: file.example:3000\ntimeout: 3s\noutput: yaml\ncolor: always\n';

  test('defaults', async () => {
    const dir = home();
    const settings = await resolve({}, {}, dir);
    expect(settings.connection).toEqual({ address: 'localhost:8000', tls: undefined, timeoutMs: 10_000, timeoutText: '10s' });
    expect(settings.output).toEqual({ format: 'text', color: false, verbose: false, quiet: false, headers: true, columns: undefined });
    expect(settings.debug).toEqual([
      `config file: none (no ${dir}/.users-cli.yaml or .yml)`,
      'output text (from default), colour off (auto from default)',
      'address localhost:8000 (from default)',
      'plaintext (from default)',
      'timeout 10s (from default)',
    ]);
  });

  test('the config file beats the defaults', async () => {
    const dir = home({ '.users-cli.yml': file });
    const settings = await resolve({}, {}, dir);
    expect(settings.connection).toMatchObject({ address: 'file.example:3000', timeoutText: '3s' });
    expect(settings.output).toMatchObject({ format: 'yaml', color: true });
    const yml = `${dir}/.users-cli.yml`;
    expect(settings.debug).toEqual([
      `config file ${yml}`,
      `output yaml (from output in ${yml}), colour on (always from color in ${yml})`,
      `address file.example:3000 (from address in ${yml})`,
      'plaintext (from default)',
      `timeout 3s (from timeout in ${yml})`,
    ]);
  });

  test('variables beat the config file', async () => {
    const env = { ADDRESS: 'env.example:2000', USERS_CLI_TIMEOUT: '2s', USERS_CLI_OUTPUT: 'jsonl', COLOR: 'never' };
    const settings = await resolve({}, env, home({ '.users-cli.yml': file }));
    expect(settings.connection).toMatchObject({ address: 'env.example:2000', timeoutText: '2s' });
    expect(settings.output).toMatchObject({ format: 'jsonl', color: false });
    expect(settings.debug.slice(1)).toEqual([
      'output jsonl (from USERS_CLI_OUTPUT), colour off (never from COLOR)',
      'address env.example:2000 (from ADDRESS)',
      'plaintext (from default)',
      'timeout 2s (from USERS_CLI_TIMEOUT)',
    ]);
  });

  test('an empty variable counts as unset', async () => {
    expect((await resolve({}, { ADDRESS: '' }, home({ '.users-cli.yml': file }))).connection.address).toBe('file.example:3000');
  });

  test('flags beat everything', async () => {
    const env = { ADDRESS: 'env.example:2000', USERS_CLI_TIMEOUT: '2s', USERS_CLI_OUTPUT: 'jsonl', COLOR: 'never' };
    const settings = await resolve({ address: 'flag.example:1000', timeout: '1', output: 'table', color: 'always' }, env, home({ '.users-cli.yml': file }));
    expect(settings.connection).toMatchObject({ address: 'flag.example:1000', timeoutText: '1s', timeoutMs: 1000 });
    expect(settings.output).toMatchObject({ format: 'table', color: true });
    expect(settings.debug.slice(1)).toEqual([
      'output table (from --output), colour on (always from --color)',
      'address flag.example:1000 (from --address)',
      'plaintext (from default)',
      'timeout 1s (from --timeout)',
    ]);
  });

  test('--config, then USERS_CLI_CONFIG, name another file', async () => {
    const other = tmp.write('other.yml', 'address: "[::1]:4000"\n');
    const third = tmp.write('third.yml', 'address: third:4000\n');
    expect((await resolve({ config: other }, { USERS_CLI_CONFIG: third })).connection.address).toBe('[::1]:4000');
    expect((await resolve({}, { USERS_CLI_CONFIG: third })).connection.address).toBe('third:4000');
  });

  test('`:PORT` means localhost, as in the Go CLI', async () => {
    expect((await resolve({ address: ':9000' })).connection.address).toBe('localhost:9000');
  });
});

describe('the config file, as the Go CLI finds and reads it', () => {
  test('~/.users-cli.yaml is read', async () => {
    expect((await resolve({}, {}, home({ '.users-cli.yaml': 'address: yaml.example:1\n' }))).connection.address).toBe('yaml.example:1');
  });

  test('with both, .yaml is used (viper tries it first) and -v names both', async () => {
    const dir = home({ '.users-cli.yaml': 'address: yaml.example:1\n', '.users-cli.yml': 'address: yml.example:2\n' });
    const settings = await resolve({}, {}, dir);
    expect(settings.connection.address).toBe('yaml.example:1');
    expect(settings.debug[0]).toBe(`config file ${dir}/.users-cli.yaml (${dir}/.users-cli.yml ignored: .yaml comes first, as in the Go CLI)`);
  });

  test('keys are case-insensitive, as in viper', async () => {
    expect((await resolve({}, {}, home({ '.users-cli.yml': 'Address: upper.example:1\nCLEARTEXT: true\n' }))).connection.address).toBe('upper.example:1');
  });

  test('an unknown key fails, with a "did you mean"', async () => {
    const dir = home({ '.users-cli.yml': 'adress: x:1\n' });
    await expectConfigError(
      resolve({}, {}, dir),
      `invalid config file ${dir}/.users-cli.yml: unknown key "adress" (did you mean "address"?) (known keys: address, timeout, tls, cleartext, cacert, cert, key, servername, output, color)`,
    );
    const far = home({ '.users-cli.yml': 'frobnicate: 1\n' });
    await expectConfigError(
      resolve({}, {}, far),
      `invalid config file ${far}/.users-cli.yml: unknown key "frobnicate" (known keys: address, timeout, tls, cleartext, cacert, cert, key, servername, output, color)`,
    );
    // Keys are case-insensitive: two spellings of one key are refused, not last-wins.
    const twice = home({ '.users-cli.yml': 'address: 127.0.0.1:18662\nADDRESS: 127.0.0.1:1\n' });
    await expectConfigError(resolve({}, {}, twice), `invalid config file ${twice}/.users-cli.yml: "address" is given twice (as "address" and "ADDRESS")`);
  });

  test('a missing --config file is an error, a missing default file is not', async () => {
    const missing = path.join(tmp.path, 'missing.yml');
    await expectConfigError(resolve({ config: missing }), `cannot read config file ${missing}: no such file`);
    await expectConfigError(resolve({ config: '' }), 'invalid --config "": expected a file path');
  });

  test('a directory is an error', async () => {
    await expectConfigError(resolve({ config: tmp.path }), `cannot read config file ${tmp.path}: is a directory`);
    await expectConfigError(resolve({ config: '/dev/zero' }), 'cannot read config file /dev/zero: larger than 1 MiB');
  });

  test('bad YAML gives the parser message on one line', async () => {
    const file = tmp.write('bad.yml', 'address: [unclosed\n');
    await expectConfigError(
      resolve({ config: file }),
      `invalid config file ${file}: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1`,
    );
  });

  test('an empty file is fine; a list is not', async () => {
    expect((await resolve({ config: tmp.write('empty.yml', '# nothing yet\n') })).connection.address).toBe('localhost:8000');
    const list = tmp.write('list.yml', '- address\n');
    await expectConfigError(resolve({ config: list }), `invalid config file ${list}: expected keys and values, e.g. "address: localhost:8000"`);
  });

  test('wrong-typed values name the key and the file', async () => {
    const object = tmp.write('object.yml', 'address: {host: x}\n');
    await expectConfigError(resolve({ config: object }), `invalid address in ${object} "{\\"host\\":\\"x\\"}": expected a string`);
    const bool = tmp.write('bool.yml', 'cleartext: maybe\n');
    await expectConfigError(resolve({ config: bool }), `invalid cleartext in ${bool} "maybe": expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)`);
    const color = tmp.write('color.yml', 'color: sometimes\n');
    await expectConfigError(resolve({ config: color }), `invalid color in ${color} "sometimes": allowed values are auto, always, never`);
    const address = tmp.write('address.yml', 'address: localhost\n');
    await expectConfigError(resolve({ config: address }), `invalid address in ${address} "localhost": expected host:port, e.g. localhost:8000`);
  });

  test('a number is seconds for timeout', async () => {
    expect((await resolve({ config: tmp.write('timeout.yml', 'timeout: 2\n') })).connection).toMatchObject({ timeoutMs: 2000, timeoutText: '2s' });
  });
});

describe('plaintext or TLS, as in the Go CLI', () => {
  const goConfig = (extra: string) => home({ '.users-cli.yml': `address: localhost:8443\n${extra}` });

  test('cleartext: true is plaintext', async () => {
    const settings = await resolve({}, {}, goConfig('cleartext: true\n'));
    expect(settings.connection.tls).toBeUndefined();
    expect(settings.debug[3]).toMatch(/^plaintext \(from cleartext in .*\.users-cli\.yml\)$/);
  });

  test('cleartext: false alone is TLS with the system CAs', async () => {
    const settings = await resolve({}, {}, goConfig('cleartext: false\n'));
    expect(settings.connection.tls).toEqual({ ca: undefined, caSource: undefined, clientCert: undefined, serverName: undefined });
    expect(settings.debug[3]).toMatch(/^TLS \(from cleartext in .*\.users-cli\.yml\): system CAs$/);
  });

  test('cleartext: true wins over TLS settings at the same level, as in the Go CLI', async () => {
    expect((await resolve({}, {}, goConfig(`cleartext: true\ncacert: ${certs.caCert}\n`))).connection.tls).toBeUndefined();
    expect((await resolve({}, { CLEARTEXT: 'true', CACERT: certs.caCert })).connection.tls).toBeUndefined();
  });

  test('on the command line, --cleartext with a TLS flag is refused; the flags that agree are taken', async () => {
    await expectConfigError(resolve({ cleartext: true, cacert: certs.caCert }), '--cleartext cannot be combined with --cacert');
    await expectConfigError(resolve({ cleartext: true, tls: true, servername: 'localhost' }), '--cleartext cannot be combined with --tls');
    await expectConfigError(resolve({ cleartext: true, servername: 'localhost' }), '--cleartext cannot be combined with --servername');
    await expectConfigError(resolve({ cleartext: false, tls: false }), '--cleartext=false (TLS) cannot be combined with --tls=false (plaintext)');
    const tls = await resolve({ cleartext: false, cacert: certs.caCert });
    expect(tls.connection.tls?.ca).toEqual(readFileSync(certs.caCert));
    expect(tls.debug[3]).toBe(`TLS (from --cacert): CA ${certs.caCert} (from --cacert)`);
    const plaintext = await resolve({ cleartext: true, tls: false });
    expect(plaintext.connection.tls).toBeUndefined();
    expect(plaintext.debug[3]).toBe('plaintext (from --cleartext)');
  });

  test('a higher level decides: a flag or variable over the file', async () => {
    expect((await resolve({ cacert: certs.caCert }, {}, goConfig('cleartext: true\n'))).connection.tls?.ca).toBeDefined();
    expect((await resolve({}, { CLEARTEXT: '1' }, goConfig(`cacert: ${certs.caCert}\n`))).connection.tls).toBeUndefined();
    expect((await resolve({ cleartext: true }, { CACERT: certs.caCert })).connection.tls).toBeUndefined();
  });

  test('every TLS key of the file, with -v naming each source', async () => {
    const dir = goConfig(`cacert: ${certs.caCert}\ncert: ${certs.clientCert}\nkey: ${certs.clientKey}\nservername: localhost\ntls: true\n`);
    const settings = await resolve({}, {}, dir);
    const file = `${dir}/.users-cli.yml`;
    expect(settings.connection.tls).toMatchObject({ serverName: 'localhost', caSource: `cacert in ${file} ${certs.caCert}` });
    expect(settings.connection.tls?.clientCert?.cert.toString()).toContain('BEGIN CERTIFICATE');
    expect(settings.connection.tls?.clientCert?.key.toString()).toContain('PRIVATE KEY');
    expect(settings.debug[3]).toBe(
      `TLS (from tls in ${file}): CA ${certs.caCert} (from cacert in ${file}), client certificate ${certs.clientCert} (from cert in ${file}) and key ${certs.clientKey} (from key in ${file}), server name localhost (from servername in ${file})`,
    );
  });

  test('every TLS variable', async () => {
    const env = { CACERT: certs.caCert, USERS_CLI_CERT: certs.clientCert, USERS_CLI_KEY: certs.clientKey, SERVERNAME: 'localhost' };
    const settings = await resolve({}, env);
    expect(settings.connection.tls).toMatchObject({ serverName: 'localhost', caSource: `CACERT ${certs.caCert}` });
    expect(settings.debug[3]).toBe(
      `TLS (from CACERT): CA ${certs.caCert} (from CACERT), client certificate ${certs.clientCert} (from USERS_CLI_CERT) and key ${certs.clientKey} (from USERS_CLI_KEY), server name localhost (from SERVERNAME)`,
    );
    expect((await resolve({}, { USERS_CLI_TLS: 'true' })).debug[3]).toBe('TLS (from USERS_CLI_TLS): system CAs');
    expect((await resolve({}, { USERS_CLI_TLS: 'false', CACERT: certs.caCert })).connection.tls).toBeUndefined();
  });

  test('a certificate and its key may come from different places', async () => {
    const settings = await resolve({ cert: certs.clientCert }, { USERS_CLI_KEY: certs.clientKey });
    expect(settings.connection.tls?.clientCert).toEqual({ cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) });
  });

  test('refusals name the source', async () => {
    await expectConfigError(resolve({}, { CLEARTEXT: 'yes please' }), 'invalid CLEARTEXT "yes please": expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)');
    await expectConfigError(resolve({}, { USERS_CLI_KEY: certs.clientKey }), 'USERS_CLI_KEY needs a certificate too (--cert, USERS_CLI_CERT or cert in the config file)');
    await expectConfigError(resolve({}, { SERVERNAME: 'bad name' }), 'invalid SERVERNAME "bad name": expected a host name such as users.example.com');
    await expectConfigError(resolve({}, { CACERT: '/nonexistent.crt' }), 'invalid CACERT "/nonexistent.crt": no such file');
    await expectConfigError(resolve({}, { USERS_CLI_TIMEOUT: 'soon' }), 'invalid USERS_CLI_TIMEOUT "soon": expected a duration such as 10s, 500ms or 2m');
    await expectConfigError(resolve({}, { USERS_CLI_TIMEOUT: '0s' }), 'invalid USERS_CLI_TIMEOUT "0s": must be at least 1ms');
    // Durations are whole milliseconds: less than half of one is 0.
    await expectConfigError(resolve({}, { USERS_CLI_TIMEOUT: '0.0001' }), 'invalid USERS_CLI_TIMEOUT "0.0001": must be at least 1ms');
    await expectConfigError(resolve({}, { USERS_CLI_OUTPUT: 'xml' }), 'invalid USERS_CLI_OUTPUT "xml": allowed values are text, json, jsonl, yaml, table');
    await expectConfigError(resolve({}, { ADDRESS: 'host:99999' }), 'invalid ADDRESS "host:99999": port 99999 is out of range (1 to 65535)');
    await expectConfigError(
      resolve({}, { ADDRESS: '[fe80::1%eth0]:8000' }),
      'invalid ADDRESS "[fe80::1%eth0]:8000": users-cli cannot connect to an IPv6 address with a zone (%eth0), gRPC for Node does not support it; use the server\'s global address or a host name',
    );
  });

  test('a private key given as the CA says so, instead of failing the handshake later', async () => {
    await expectConfigError(
      resolve({ cacert: certs.clientKey }),
      `invalid --cacert "${certs.clientKey}": expected a CERTIFICATE, the file holds a PRIVATE KEY`,
    );
    await expectConfigError(resolve({ cert: certs.clientKey, key: certs.clientKey }), `invalid --cert "${certs.clientKey}": expected a CERTIFICATE, the file holds a PRIVATE KEY`);
    await expectConfigError(resolve({ cert: certs.clientCert, key: certs.clientCert }), `invalid --key "${certs.clientCert}": expected a PRIVATE KEY, the file holds a CERTIFICATE`);
  });

  test('PEM armour around garbage, or a file cut short, is refused before any connection', async () => {
    const pem = (name: string, text: string) => {
      const file = path.join(tmp.path, name);
      writeFileSync(file, text);
      return file;
    };
    const garbage = pem('garbage.crt', '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    const caText = readFileSync(certs.caCert, 'latin1');
    const cutShort = pem('cut.crt', caText.slice(0, caText.length / 2));
    const cutMiddle = pem('cut-middle.crt', caText.slice(0, 200) + caText.slice(-40));
    const badKey = pem('garbage.key', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    // node:crypto's (OpenSSL's) reason follows in brackets, on the same line.
    const openSslReason = (message: string) => new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(error:[^\n]+\\)$`);
    await expectConfigErrorMatching(resolve({ cacert: garbage }), openSslReason(`invalid --cacert "${garbage}": not a PEM certificate`));
    await expectConfigError(resolve({}, { CACERT: cutShort }), `invalid CACERT "${cutShort}": not a PEM certificate (a block has no END line)`);
    await expectConfigErrorMatching(resolve({ cacert: cutMiddle }), openSslReason(`invalid --cacert "${cutMiddle}": not a PEM certificate`));
    await expectConfigErrorMatching(resolve({ cert: garbage, key: certs.clientKey }), openSslReason(`invalid --cert "${garbage}": not a PEM certificate`));
    await expectConfigErrorMatching(resolve({ cert: certs.clientCert, key: badKey }), openSslReason(`invalid --key "${badKey}": not a PEM private key`));
    // A CA bundle: every certificate in it is checked.
    const bundle = pem('bundle.crt', caText + readFileSync(garbage, 'latin1'));
    await expectConfigErrorMatching(resolve({ cacert: bundle }), openSslReason(`invalid --cacert "${bundle}": not a PEM certificate`));
    await expectConfigError(resolve({ cacert: '/dev/zero' }), 'invalid --cacert "/dev/zero": larger than 1 MiB');
    await expectConfigError(resolve({ cacert: '' }), 'invalid --cacert: expected a file path');
    // A combined certificate-and-key file serves as both, as OpenSSL skips the other blocks.
    const combined = pem('combined.pem', readFileSync(certs.clientCert, 'latin1') + readFileSync(certs.clientKey, 'latin1'));
    expect((await resolve({ cert: combined, key: combined })).connection.tls?.clientCert).toEqual({ cert: readFileSync(combined), key: readFileSync(combined) });
    const goodBundle = pem('good-bundle.crt', caText + readFileSync(certs.otherCaCert, 'latin1'));
    expect((await resolve({ cacert: goodBundle })).connection.tls?.ca).toEqual(readFileSync(goodBundle));
    const result = await runCliInProcess(['list', `--cacert=${garbage}`]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(new RegExp(`^users-cli: invalid --cacert "${garbage}": not a PEM certificate \\(error:[^\n]+\\)\n$`));
  });

  test("booleans as Go's strconv.ParseBool reads them (the Go CLI's CLEARTEXT, cleartext:, --tls), and nothing else", async () => {
    const secure = async (env: NodeJS.ProcessEnv, args: Record<string, unknown> = {}) => (await resolve(args, env)).connection.tls !== undefined;
    for (const yes of ['1', 't', 'T', 'TRUE', 'true', 'True']) {
      expect(await secure({ CLEARTEXT: yes, USERS_CLI_TLS: 'true' })).toBe(false);
      expect(await secure({ USERS_CLI_TLS: yes })).toBe(true);
    }
    for (const no of ['0', 'f', 'F', 'FALSE', 'false', 'False']) {
      expect(await secure({ CLEARTEXT: no })).toBe(true);
      expect(await secure({ USERS_CLI_TLS: no })).toBe(false);
    }
    expect(await secure({}, { cleartext: 'f' })).toBe(true);
    expect(await secure({}, { config: tmp.write('one.yml', 'cleartext: 1\n') })).toBe(false);
    expect(await secure({}, { config: tmp.write('zero.yml', 'cleartext: 0\n') })).toBe(true);
    expect(await secure({}, { config: tmp.write('t.yml', 'tls: T\n') })).toBe(true);
    for (const junk of ['yes', 'no', 'on', 'off', 'tRUE', 'y', ' true', '2']) {
      await expectConfigError(resolve({}, { CLEARTEXT: junk }), `invalid CLEARTEXT ${JSON.stringify(junk)}: expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)`);
    }
    // yargs reads --cleartext=t as false: the text typed is what counts.
    const typed = (...argv: string[]) => resolveSettings({ cleartext: false }, { env: {}, homeDir: home(), stdoutIsTTY: false, argv });
    expect((await typed('--cleartext=t')).connection.tls).toBeUndefined();
    expect((await typed('--cleartext=T', '--no-cleartext')).connection.tls).toBeDefined();
    expect((await typed('--no-cleartext', '--', '--cleartext')).connection.tls).toBeDefined();
    expect((await typed('--cleartext=F', '--cleartext')).connection.tls).toBeUndefined();
    await expectConfigError(typed('--cleartext=yes'), 'invalid --cleartext "yes": expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)');
    const two = tmp.write('two.yml', 'cleartext: 2\n');
    await expectConfigError(resolve({ config: two }), `invalid cleartext in ${two} "2": expected true or false`);
  });

  test('a key that is not the client certificate\'s', async () => {
    await expectConfigError(
      resolve({ cert: certs.clientCert }, { USERS_CLI_KEY: certs.otherClientKey }),
      `USERS_CLI_KEY "${certs.otherClientKey}" is not the key of the certificate in --cert "${certs.clientCert}"`,
    );
  });

  test('~/ in a variable or the file is the home directory', async () => {
    await expectConfigError(resolve({}, { CACERT: '~/nope/ca.crt' }), `invalid CACERT "${path.join(homedir(), 'nope/ca.crt')}": no such file`);
  });
});

describe('colour', () => {
  const color = async (env: NodeJS.ProcessEnv, stdoutIsTTY: boolean, args: Record<string, unknown> = {}) =>
    (await resolveSettings(args, { env, homeDir: home(), stdoutIsTTY })).output.color;

  test('auto: on a terminal, unless NO_COLOR or TERM=dumb', async () => {
    expect(await color({}, true)).toBe(true);
    expect(await color({}, false)).toBe(false);
    expect(await color({ NO_COLOR: '1' }, true)).toBe(false);
    expect(await color({ TERM: 'dumb' }, true)).toBe(false);
  });

  test('always and never, from COLOR or --color', async () => {
    expect(await color({ COLOR: 'always', TERM: 'dumb' }, false)).toBe(true);
    expect(await color({ COLOR: 'never' }, true)).toBe(false);
    expect(await color({ COLOR: 'never' }, true, { color: 'always' })).toBe(true);
  });
});

describe('--cacert and --servername imply --tls (the whole connection compared)', () => {
  test('--cacert alone: TLS trusting that CA, nothing else', async () => {
    const settings = await resolve({ cacert: certs.caCert });
    expect(settings.connection).toEqual({
      address: 'localhost:8000',
      tls: { ca: readFileSync(certs.caCert), caSource: `--cacert ${certs.caCert}`, clientCert: undefined, serverName: undefined },
      timeoutMs: 10_000,
      timeoutText: '10s',
    });
  });

  test('--servername alone: TLS with the system CAs and that server name', async () => {
    const settings = await resolve({ servername: 'users.example.com' });
    expect(settings.connection).toEqual({
      address: 'localhost:8000',
      tls: { ca: undefined, caSource: undefined, clientCert: undefined, serverName: 'users.example.com' },
      timeoutMs: 10_000,
      timeoutText: '10s',
    });
  });
});
