import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import pkg from '../../package.json';
import { builtinSampleUsers } from '../../src/samples/builtin-sample-users';
import type { User } from '../../src/domain/user';
import { requireCliBundle, requireServerBundle } from '../support/prerequisites';
import { CLI_BIN, runCli, startServerProcess, type RunResult, type ServerProcess } from '../support/processes';
import { makeTempDir, type TempDir } from '../support/temp-dir';
import { byEmail } from '../support/users';

// users-cli as users run it: dist/users-cli.js as a process against
// dist/users-server.js on a free port. Expectations are written out here, not
// computed with the CLI's own formatting code.

const line = (u: User) => `${u.firstName} ${u.lastName} <${u.email}> (${u.age} years old, address: ${u.address})`;
const lines = (users: User[]) => users.map((u) => `${line(u)}\n`).join('');
const protoJson = (u: User) => ({ id: u.id, age: u.age, name: { first: u.firstName, last: u.lastName }, email: u.email, phone: u.phone, address: u.address });
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const samples = builtinSampleUsers();
const sample = (email: string) => samples.find((u) => u.email === email)!;

const ok = (stdout: string): RunResult => ({ code: 0, stdout, stderr: '' });
const failure = (message: string): RunResult => ({ code: 1, stdout: '', stderr: `users-cli: ${message}\n` });
const usage = (message: string): RunResult => ({ code: 2, stdout: '', stderr: `users-cli: ${message}\n` });

/** A home directory with no ~/.users-cli.yml, so the developer's own never interferes. */
let home: TempDir;
const cli = (args: string[], env: NodeJS.ProcessEnv = {}, input?: string) => runCli(args, { env: { HOME: home.path, ...env }, input, timeoutMs: 15_000 });

beforeAll(() => {
  requireServerBundle();
  requireCliBundle();
  home = makeTempDir('users-cli-e2e-home-');
});
afterAll(() => home.cleanup());

describe('with the built-in sample users', () => {
  let server: ServerProcess;
  let address: string;
  beforeAll(async () => {
    server = await startServerProcess();
    address = `--address=${server.address}`;
  });
  afterAll(() => server.stop());

  test('list: every sample user, sorted by email', async () => {
    expect(await cli(['list', address])).toEqual(ok(lines([...samples].sort(byEmail))));
  });

  test('list -o json: an array in proto JSON', async () => {
    expect(await cli(['list', '-o', 'json', address])).toEqual(ok(json([...samples].sort(byEmail).map(protoJson))));
  });

  test('get: found, whatever the case of the email', async () => {
    const mael = sample('mael.valadier@example.com');
    expect(await cli(['get', 'mael.valadier@example.com', address])).toEqual(ok(`${line(mael)}\n`));
    expect(await cli(['get', 'MAEL.Valadier@Example.com', address])).toEqual(ok(`${line(mael)}\n`));
  });

  test('get -o json: an object', async () => {
    expect(await cli(['get', 'valencia.ortega@example.com', '--output=json', address])).toEqual(ok(json(protoJson(sample('valencia.ortega@example.com')))));
  });

  test("get: not found is the server's message, exit 1", async () => {
    expect(await cli(['get', 'nobody@example.com', address])).toEqual(failure('the email nobody@example.com cannot be found'));
  });

  test('search --name: case and diacritics ignored, sorted by email', async () => {
    expect(await cli(['search', '--name=mael', address])).toEqual(ok(`${line(sample('mael.valadier@example.com'))}\n`));
    expect(await cli(['search', '--name', 'ALENC', address])).toEqual(ok(`${line(sample('valencia.ortega@example.com'))}\n`));
    const jose = samples.filter((u) => /jose/i.test(u.firstName.normalize('NFKD').replace(/\p{M}/gu, ''))).sort(byEmail);
    expect(jose.length).toBeGreaterThan(0);
    expect(await cli(['search', '--name=jose', address])).toEqual(ok(lines(jose)));
  });

  test('search by age: from and to included, sorted by age then email', async () => {
    const expected = samples.filter((u) => u.age >= 30 && u.age <= 42).sort((a, b) => a.age - b.age || byEmail(a, b));
    expect(expected.length).toBeGreaterThan(3);
    expect(await cli(['search', '--agefrom=30', '--ageto=42', address])).toEqual(ok(lines(expected)));
    expect(await cli(['search', '--agefrom=30', '--ageto=42', '-o', 'json', address])).toEqual(ok(json(expected.map(protoJson))));
  });

  test('search without a match: nothing in text, [] in JSON, exit 0', async () => {
    expect(await cli(['search', '--name=zzzz', address])).toEqual(ok(''));
    expect(await cli(['search', '--name=zzzz', '-o', 'json', address])).toEqual(ok('[]\n'));
    expect(await cli(['search', '--agefrom=140', '--ageto=150', address])).toEqual(ok(''));
  });

  test("search with from > to: the server's message, naming the flags: exit 2", async () => {
    expect(await cli(['search', '--agefrom=50', '--ageto=3', address])).toEqual(
      usage('--agefrom (50) must not be greater than --ageto (3)'),
    );
  });

  test('health: SERVING for the server and user.UserService', async () => {
    expect(await cli(['health', address])).toEqual(ok('SERVING\n'));
    expect(await cli(['health', '--service=user.UserService', address])).toEqual(ok('SERVING\n'));
    expect(await cli(['health', '-o', 'json', address])).toEqual(ok('{\n  "status": "SERVING"\n}\n'));
  });

  test('health of an unknown service: exit 1', async () => {
    expect(await cli(['health', '--service=nope.Service', address])).toEqual(failure('the server has no health status for service "nope.Service"'));
  });

  test('--color=always: names bold yellow, email green, even with NO_COLOR', async () => {
    const expected =
      '\x1b[1m\x1b[33mMaël\x1b[39m\x1b[22m \x1b[1m\x1b[33mValadier\x1b[39m\x1b[22m <\x1b[32mmael.valadier@example.com\x1b[39m> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n';
    expect(await cli(['get', 'mael.valadier@example.com', '--color=always', address])).toEqual(ok(expected));
    expect(await cli(['get', 'mael.valadier@example.com', '--color=always', address], { NO_COLOR: '1' })).toEqual(ok(expected));
  });

  test('colours automatically on a terminal, and not with NO_COLOR', async () => {
    // `script` gives the CLI a pseudo-terminal as stdout (which turns \n into \r\n).
    const onTerminal = (env: NodeJS.ProcessEnv) =>
      execFileSync('script', ['-qec', `"${process.execPath}" "${CLI_BIN}" get mael.valadier@example.com ${address}`, '/dev/null'], {
        env: { PATH: process.env.PATH, HOME: home.path, TERM: 'xterm', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 15_000,
      }).toString();
    expect(onTerminal({})).toBe(
      '\x1b[1m\x1b[33mMaël\x1b[39m\x1b[22m \x1b[1m\x1b[33mValadier\x1b[39m\x1b[22m <\x1b[32mmael.valadier@example.com\x1b[39m> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\r\n',
    );
    expect(onTerminal({ NO_COLOR: '1' })).toBe('Maël Valadier <mael.valadier@example.com> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\r\n');
  });

  test('--cleartext is accepted', async () => {
    expect(await cli(['health', '--cleartext', address])).toEqual(ok('SERVING\n'));
  });

  describe('where the address comes from', () => {
    let closedPort: number;
    beforeAll(async () => {
      closedPort = await freePort();
    });
    const unreachable = () => `127.0.0.1:${closedPort}`;

    test('env ADDRESS', async () => {
      expect(await cli(['health'], { ADDRESS: server.address })).toEqual(ok('SERVING\n'));
    });

    test('--address beats ADDRESS', async () => {
      expect(await cli(['health', address], { ADDRESS: unreachable() })).toEqual(ok('SERVING\n'));
    });

    test('~/.users-cli.yml', async () => {
      const configHome = makeTempDir('users-cli-e2e-config-');
      try {
        configHome.write('.users-cli.yml', `address: ${server.address}\n`);
        expect(await cli(['health'], { HOME: configHome.path })).toEqual(ok('SERVING\n'));
        configHome.write('.users-cli.yml', `address: ${unreachable()}\n`);
        expect(await cli(['health'], { HOME: configHome.path, ADDRESS: server.address })).toEqual(ok('SERVING\n'));
      } finally {
        configHome.cleanup();
      }
    });

    test('--config FILE', async () => {
      const file = home.write('cli-config.yml', `address: ${server.address}\n`);
      expect(await cli(['health', `--config=${file}`])).toEqual(ok('SERVING\n'));
    });

    test('config file errors: one line, exit 2', async () => {
      const missing = `${home.path}/missing.yml`;
      expect(await cli(['health', `--config=${missing}`])).toEqual(usage(`cannot read config file ${missing}: no such file`));
      const badYaml = home.write('bad.yml', 'address: [oops\n');
      expect(await cli(['health', `--config=${badYaml}`])).toEqual(
        usage(`invalid config file ${badYaml}: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1`),
      );
      const wrongType = home.write('wrong-type.yml', 'address:\n  host: localhost\n');
      expect(await cli(['health', `--config=${wrongType}`])).toEqual(
        usage(`invalid address in ${wrongType} "{\\"host\\":\\"localhost\\"}": expected a string`),
      );
    });

    test('an unreachable server: the address and the reason', async () => {
      expect(await cli(['list', `--address=${unreachable()}`])).toEqual(failure(`cannot reach ${unreachable()}: connection refused: is users-server listening there?`));
    });

    test('-v adds the gRPC status and the stack', async () => {
      const result = await cli(['list', '-v', `--address=${unreachable()}`]);
      expect(result.code).toBe(1);
      const stderr = result.stderr.split('\n');
      expect(stderr.slice(0, 8)).toEqual([
        `users-cli: debug: config file: none (no ${home.path}/.users-cli.yaml or .yml)`,
        'users-cli: debug: output text (from default), colour off (auto from default)',
        `users-cli: debug: address ${unreachable()} (from --address)`,
        'users-cli: debug: plaintext (from default)',
        'users-cli: debug: timeout 10s (from default)',
        `users-cli: cannot reach ${unreachable()}: connection refused: is users-server listening there?`,
        `users-cli: debug: gRPC status: UNAVAILABLE on /user.UserService/List: No connection established. Last error: Error: connect ECONNREFUSED ${unreachable()}. Resolution note: `,
        `users-cli: debug: probe connection: ECONNREFUSED: connect ECONNREFUSED ${unreachable()}`,
      ]);
      expect(stderr[8]).toMatch(/^users-cli: debug: ClientError: \/user\.UserService\/List UNAVAILABLE: /);
      expect(result.stderr).toMatch(/\n\s+at /);
    });

    test('TLS to a plaintext server', async () => {
      expect(await cli(['health', '--tls', address])).toEqual(
        failure(`cannot reach ${server.address}: TLS handshake failed: the server speaks plaintext (drop --tls and the other TLS settings, or set --cleartext)`),
      );
    });
  });
});

describe('create', () => {
  let server: ServerProcess;
  let address: string;
  beforeAll(async () => {
    server = await startServerProcess(['--samples=false']);
    address = `--address=${server.address}`;
  });
  afterAll(() => server.stop());

  test('prints the created user, which get then finds', async () => {
    const args = ['create', '--email=jane.doe@example.com', '--firstname=Jane', '--lastname=Doe', '--age=42', '--postaladdress=1 Main Street, Springfield', '--phone=+1 555 0100'];
    const expected = 'Jane Doe <jane.doe@example.com> (42 years old, address: 1 Main Street, Springfield)\n';
    expect(await cli([...args, address])).toEqual(ok(expected));
    expect(await cli(['get', 'jane.doe@example.com', address])).toEqual(ok(expected));
  });

  test('-o json prints the whole user, with the id the server gave it', async () => {
    const result = await cli(['create', '--email=Zoe.Roe@example.com', '--firstname=Zoé', '--lastname=Roe', '--age=7', '-o', 'json', address]);
    const id = (JSON.parse(result.stdout) as { id: string }).id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(result).toEqual(ok(json({ id, age: 7, name: { first: 'Zoé', last: 'Roe' }, email: 'Zoe.Roe@example.com', phone: '', address: '' })));
    expect(await cli(['get', 'zoe.roe@example.com', '-o', 'json', address])).toEqual(result);
  });

  test('a duplicate email, in any case: exit 1', async () => {
    expect((await cli(['create', '--email=dup@example.com', address])).code).toBe(0);
    expect(await cli(['create', '--email=DUP@example.com', '--firstname=Other', address])).toEqual(failure('email already exists'));
  });

  test("invalid input: the server's message names the flag, exit 2", async () => {
    expect(await cli(['create', '--email=old@example.com', '--age=200', address])).toEqual(usage('--age must be between 0 and 150, got 200'));
    expect(await cli(['create', '--email=not-an-email', address])).toEqual(usage('--email "not-an-email" is not a valid email address'));
    expect(await cli(['get', 'old@example.com', address])).toEqual(failure('the email old@example.com cannot be found'));
  });

  test('usage errors: exit 2, nothing sent', async () => {
    expect(await cli(['create', address])).toEqual(usage('create needs --email=EMAIL, or --from-file=FILE'));
    expect(await cli(['create', '--email=x@example.com', '--age=ten', address])).toEqual(usage('invalid --age "ten": expected a whole number'));
    expect(await cli(['create', '--email=x@example.com', '--nickname=x', address])).toEqual(usage('unknown flag --nickname (see users-cli create --help)'));
  });
});

describe('JSON keeps zero values, the same in list, get and search', () => {
  const server = emptyServer();

  test('age 0 and empty names are printed, in proto JSON names', async () => {
    const created = await cli(['create', '--email=baby@example.com', '--id=baby-1', '-o', 'json', server.flag()]);
    const baby = { id: 'baby-1', age: 0, name: { first: '', last: '' }, email: 'baby@example.com', phone: '', address: '' };
    expect(created).toEqual(ok(json(baby)));
    expect(await cli(['get', 'baby@example.com', '-o', 'json', server.flag()])).toEqual(ok(json(baby)));
    expect(await cli(['list', '-o', 'json', server.flag()])).toEqual(ok(json([baby])));
    expect(await cli(['search', '--agefrom=0', '--ageto=0', '-o', 'json', server.flag()])).toEqual(ok(json([baby])));
    expect(await cli(['list', '-o', 'jsonl', server.flag()])).toEqual(ok(`${JSON.stringify(baby)}\n`));
    expect(await cli(['list', '-o', 'yaml', server.flag()])).toEqual(
      ok('- id: baby-1\n  age: 0\n  name:\n    first: ""\n    last: ""\n  email: baby@example.com\n  phone: ""\n  address: ""\n'),
    );
  });
});

describe('create --from-file', () => {
  const server = emptyServer();

  test('an array: one Create per user, in order; printed as -o asks', async () => {
    const file = home.write('users.json', JSON.stringify([{ email: 'ada@example.com', name: { first: 'Ada', last: 'Lovelace' }, age: 36 }, { email: 'alan@example.com', id: 'alan' }]));
    const result = await cli(['create', `--from-file=${file}`, '-o', 'jsonl', server.flag()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').map((line) => JSON.parse(line))).toEqual([
      { id: expect.stringMatching(/.+/), age: 36, name: { first: 'Ada', last: 'Lovelace' }, email: 'ada@example.com', phone: '', address: '' },
      { id: 'alan', age: 0, name: { first: '', last: '' }, email: 'alan@example.com', phone: '', address: '' },
    ]);
    expect(await cli(['get', 'ada@example.com', 'alan@example.com', server.flag()])).toEqual(
      ok('Ada Lovelace <ada@example.com> (36 years old, address: )\n  <alan@example.com> (0 years old, address: )\n'),
    );
  });

  test('one object, from stdin', async () => {
    const result = await cli(['create', '--from-file', '-', server.flag()], {}, JSON.stringify({ email: 'grace@example.com', name: { first: 'Grace', last: 'Hopper' }, age: 85 }));
    expect(result).toEqual(ok('Grace Hopper <grace@example.com> (85 years old, address: )\n'));
  });

  test('many users from stdin, longer than a pipe chunk: every non-ASCII name comes through whole', async () => {
    // ~1.3 MB, mostly "€" (three bytes): stdin arrives in 64 KiB chunks, and most chunk ends cut one.
    const first = '€'.repeat(99);
    const users = Array.from({ length: 2000 }, (_, i) => ({ email: `stdin-${i}@example.com`, name: { first, last: first } }));
    const result = await cli(['create', '--from-file=-', '-o', 'jsonl', server.flag()], {}, JSON.stringify(users));
    expect([result.code, result.stderr]).toEqual([0, '']);
    const names = new Set(result.stdout.trim().split('\n').map((line) => JSON.stringify((JSON.parse(line) as { name: unknown }).name)));
    expect([...names]).toEqual([JSON.stringify({ first, last: first })]);
  });

  test('what -o json prints goes back in', async () => {
    const exported = (await cli(['get', 'grace@example.com', '-o', 'json', server.flag()])).stdout;
    const edited = JSON.stringify({ ...JSON.parse(exported), id: '', email: 'grace2@example.com' });
    expect((await cli(['create', '--from-file=-', server.flag()], {}, edited)).code).toBe(0);
  });

  test('a user the server refuses: named, the others created, exit 1', async () => {
    const file = home.write('some-bad.json', JSON.stringify([{ email: 'ok1@example.com' }, { email: 'ada@example.com' }, { email: 'old@example.com', age: 200 }, { email: 'ok2@example.com' }]));
    expect(await cli(['create', `--from-file=${file}`, server.flag()])).toEqual({
      code: 1,
      stdout: '  <ok1@example.com> (0 years old, address: )\n  <ok2@example.com> (0 years old, address: )\n',
      stderr: `users-cli: ${file}: user 2 (ada@example.com): email already exists\nusers-cli: ${file}: user 3 (old@example.com): user.age must be between 0 and 150, got 200\n`,
    });
  });

  test('a bad file: one line, exit 2, nothing created', async () => {
    const cases: Array<[string, string]> = [
      ['not json', 'not JSON (Unexpected token \'o\', "not json" is not valid JSON)'],
      ['[]', 'no users in the array'],
      ['[{"email": "x@example.com", "nmae": {}}]', 'user 1: unknown field "nmae" (did you mean "name"?)'],
      ['{"email": "x@example.com", "age": "ten"}', '"age" must be a whole number, got "ten"'],
      ['{"email": "x@example.com", "name": {"frist": "X"}}', 'unknown field "name.frist" (did you mean "name.first"?)'],
      ['{"name": {"first": "X"}}', '"email" is required'],
      ['[1]', 'user 1: expected an object such as {"email": "ada@example.com"}'],
    ];
    for (const [text, reason] of cases) {
      const file = home.write('bad.json', text);
      expect(await cli(['create', `--from-file=${file}`, server.flag()])).toEqual(usage(`invalid --from-file ${JSON.stringify(file)}: ${reason}`));
    }
    expect(await cli(['create', '--from-file=/nonexistent.json', server.flag()])).toEqual(usage('invalid --from-file "/nonexistent.json": no such file'));
    expect(await cli(['get', 'x@example.com', server.flag()])).toEqual(failure('the email x@example.com cannot be found'));
  });
});

describe('an HTTP/1 server', () => {
  let http1: http.Server;
  let address: string;
  beforeAll(async () => {
    http1 = http.createServer((_request, response) => response.end('hello'));
    http1.listen(0, '127.0.0.1');
    await once(http1, 'listening');
    address = `127.0.0.1:${(http1.address() as net.AddressInfo).port}`;
  });
  afterAll(() => {
    http1.closeAllConnections();
    http1.close();
  });

  test('says so, instead of "Protocol error"', async () => {
    expect(await cli(['list', `--address=${address}`])).toEqual(failure(`cannot reach ${address}: the server answered in HTTP/1.1, not gRPC over HTTP/2: is it users-server?`));
  });
});

describe('an empty directory', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess(['--samples=false']);
  });
  afterAll(() => server.stop());

  test('list prints nothing in text and [] in JSON, exit 0', async () => {
    expect(await cli(['list', `--address=${server.address}`])).toEqual(ok(''));
    expect(await cli(['list', '-o', 'json', `--address=${server.address}`])).toEqual(ok('[]\n'));
  });
});

describe('a server that never answers', () => {
  let silent: net.Server;
  let address: string;
  const sockets = new Set<net.Socket>();
  beforeAll(async () => {
    // Accepts connections and says nothing: no HTTP/2, no TLS.
    silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    address = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    silent.close();
    await once(silent, 'close');
  });

  test('--timeout: names the address and the timeout', async () => {
    expect(await cli(['list', `--address=${address}`, '--timeout=300ms'])).toEqual(failure(`${address} did not answer within 300ms (see --timeout)`));
  });

  test('a bare number is seconds; TLS handshakes are bounded too', async () => {
    expect(await cli(['health', `--address=${address}`, '--timeout=0.3', '--tls'])).toEqual(failure(`${address} did not answer within 0.3s (see --timeout)`));
  });
});

describe('without a server', () => {
  test('version: version, commit and build date', async () => {
    const result = await cli(['version']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^users-cli ${pkg.version.replace(/\./g, '\\.')} \\(commit ([0-9a-f]{12}|unknown), built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)\\n$`));
  });

  test('completion: a script per shell; the candidates come from __complete', async () => {
    const script = await cli(['completion', 'bash']);
    expect(script.code).toBe(0);
    expect(script.stdout).toMatch(/^# users-cli completion for bash\./);
    expect(script.stdout).toContain('complete -F _users_cli_complete users-cli\n');
    expect(await cli(['__complete', 'bash', 'li'])).toEqual(ok('list\n'));
  });

  test('help: settings and exit codes', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^users-cli <command> \[flags\]\n/);
    expect(help.stdout).toContain('Each setting comes from the first of: its flag; its environment variable; the');
    expect(help.stdout).toContain('Exit codes:\n');
    expect(await cli(['help'])).toEqual(help);
  });

  test.each([
    [['list', '--unknown-flag'], 'unknown flag --unknown-flag (see users-cli list --help)'],
    [['frobnicate'], 'unknown command "frobnicate" (see --help)'],
    [[], 'a command is needed (see --help)'],
    [['search'], 'search needs --name=PART, or --agefrom=N and --ageto=M'],
    [['search', '--name=a', '--agefrom=1', '--ageto=2'], '--name cannot be combined with --agefrom'],
    [['search', '--agefrom=x', '--ageto=3'], 'invalid --agefrom "x": expected a whole number'],
    [['search', '--agefrom=1'], '--agefrom needs --ageto too'],
    [['get'], 'get needs EMAIL (see users-cli get --help)'],
    [['list', '--timeout=forever'], 'invalid --timeout "forever": expected a duration such as 10s, 500ms or 2m'],
    [['list', '--address=localhost'], 'invalid --address "localhost": expected host:port, e.g. localhost:8000'],
    [['list', '--color=rainbow'], 'invalid --color "rainbow": allowed values are auto, always, never'],
    [['list', '-o', 'xml'], 'invalid --output "xml": allowed values are text, json, jsonl, yaml, table'],
    [['list', '--cert=/x.crt'], '--cert needs a key too (--key, USERS_CLI_KEY or key in the config file)'],
    [['list', '--cleartext', '--tls'], '--cleartext cannot be combined with --tls'],
    [['list', '--address=127.0.0.1:99999'], 'invalid --address "127.0.0.1:99999": port 99999 is out of range (1 to 65535)'],
  ])('usage error %j: one line, exit 2', async (args, message) => {
    expect(await cli(args)).toEqual(usage(message));
  });

  test('env ADDRESS is checked', async () => {
    expect(await cli(['list'], { ADDRESS: 'nope' })).toEqual(usage('invalid ADDRESS "nope": expected host:port, e.g. localhost:8000'));
  });
});

/** users-server without users, started for the enclosing describe block. */
function emptyServer(): { flag: () => string } {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess(['--samples=false']);
  });
  afterAll(() => server.stop());
  return { flag: () => `--address=${server.address}` };
}

/** A port that was free a moment ago and that nothing listens on. */
async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}
