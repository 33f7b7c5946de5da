import { createServer, type Server } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { Status_StatusCode, UserServiceDefinition } from '../../gen/user/user';
import { runCli } from '../../src/cli/program';
import { runCliInProcess } from '../support/cli-in-process';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';

// The whole program in-process (parsing, config, connection, output, exit
// codes) against real servers on 127.0.0.1:0; test/e2e runs the bundle.

describe('against users-server', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcessServer({ samples: true });
  });
  afterAll(() => server.stop());

  test('get prints the user', async () => {
    expect(await runCliInProcess(['get', 'mael.valadier@example.com', `--address=${server.address}`])).toEqual({
      code: 0,
      stdout: 'Maël Valadier <mael.valadier@example.com> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n',
      stderr: '',
    });
  });

  test('colours on a terminal, not with NO_COLOR', async () => {
    const args = ['get', 'mael.valadier@example.com', `--address=${server.address}`];
    const coloured = await runCliInProcess(args, { stdoutIsTTY: true });
    expect(coloured.stdout).toBe(
      '\x1b[1m\x1b[33mMaël\x1b[39m\x1b[22m \x1b[1m\x1b[33mValadier\x1b[39m\x1b[22m <\x1b[32mmael.valadier@example.com\x1b[39m> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n',
    );
    const plain = await runCliInProcess(args, { stdoutIsTTY: true, env: { NO_COLOR: '1' } });
    expect(plain.stdout).toBe('Maël Valadier <mael.valadier@example.com> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n');
    const forced = await runCliInProcess([...args, '--color=always'], { env: { NO_COLOR: '1' } });
    expect(forced.stdout).toBe(coloured.stdout);
    const bare = await runCliInProcess([...args, '--color']);
    expect(bare.stdout).toBe(coloured.stdout);
    const never = await runCliInProcess([...args, '--no-color'], { stdoutIsTTY: true });
    expect(never.stdout).toBe(plain.stdout);
  });

  test('-v prints each setting and where it came from, before the call', async () => {
    const result = await runCliInProcess(['health', '-v', `--address=${server.address}`, '--timeout=2'], { homeDir: '/nonexistent' });
    expect(result).toEqual({
      code: 0,
      stdout: 'SERVING\n',
      stderr:
        'users-cli: debug: config file: none (no /nonexistent/.users-cli.yaml or .yml)\n' +
        'users-cli: debug: output text (from default), colour off (auto from default)\n' +
        `users-cli: debug: address ${server.address} (from --address)\n` +
        'users-cli: debug: plaintext (from default)\n' +
        'users-cli: debug: timeout 2s (from --timeout)\n',
    });
  });

  test('-v adds the status code to a failed status', async () => {
    const result = await runCliInProcess(['get', 'nobody@example.com', '-v', `--address=${server.address}`]);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').slice(-3)).toEqual(['users-cli: the email nobody@example.com cannot be found', 'users-cli: debug: status code: INVALID_QUERY', '']);
  });

  test('a repeated flag: the last one wins', async () => {
    const result = await runCliInProcess(['search', '--name=zzz', '--name=mael', `--address=${server.address}`]);
    expect(result.stdout).toBe('Maël Valadier <mael.valadier@example.com> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n');
  });

  test('get with several emails: one line each, in the order given', async () => {
    const result = await runCliInProcess(['get', 'mael.valadier@example.com', 'MAEL.valadier@example.com', `--address=${server.address}`]);
    const line = 'Maël Valadier <mael.valadier@example.com> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n';
    expect(result).toEqual({ code: 0, stdout: `${line}${line}`, stderr: '' });
  });

  test('get: exit 1 when one is missing, naming it; the others are printed', async () => {
    const result = await runCliInProcess(['get', 'nobody@example.com', 'mael.valadier@example.com', 'ghost@example.com', `--address=${server.address}`]);
    expect(result).toEqual({
      code: 1,
      stdout: 'Maël Valadier <mael.valadier@example.com> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n',
      stderr: 'users-cli: the email nobody@example.com cannot be found\nusers-cli: the email ghost@example.com cannot be found\n',
    });
  });

  test('--quiet: nothing on success, the error still on stderr', async () => {
    expect(await runCliInProcess(['get', 'mael.valadier@example.com', '-q', `--address=${server.address}`])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await runCliInProcess(['list', '--quiet', '-o', 'json', `--address=${server.address}`])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await runCliInProcess(['get', 'nobody@example.com', '-q', `--address=${server.address}`])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'users-cli: the email nobody@example.com cannot be found\n',
    });
  });

  test('-ojson and -o=json, kubectl style', async () => {
    const expected = await runCliInProcess(['get', 'mael.valadier@example.com', '-o', 'json', `--address=${server.address}`]);
    expect(expected.stdout).toMatch(/^\{\n {2}"id": "sample-01",\n {2}"age": 34,/);
    expect(await runCliInProcess(['get', 'mael.valadier@example.com', '-ojson', `--address=${server.address}`])).toEqual(expected);
    expect(await runCliInProcess(['get', 'mael.valadier@example.com', '-o=json', `--address=${server.address}`])).toEqual(expected);
  });

  test('TERM=dumb turns automatic colour off', async () => {
    const args = ['get', 'mael.valadier@example.com', `--address=${server.address}`];
    expect((await runCliInProcess(args, { stdoutIsTTY: true, env: { TERM: 'dumb' } })).stdout).toBe(
      'Maël Valadier <mael.valadier@example.com> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n',
    );
    expect((await runCliInProcess(args, { stdoutIsTTY: true, env: { TERM: 'xterm' } })).stdout).toContain('\x1b[');
  });

  test('values the server refuses: the message names the flag typed, not a proto path; exit 2, as for any bad flag', async () => {
    expect(await runCliInProcess(['search', '--agefrom=50', '--ageto=3', `--address=${server.address}`])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'users-cli: --agefrom (50) must not be greater than --ageto (3)\n',
    });
    expect(await runCliInProcess(['create', '--email=young@example.com', '--age=200', `--address=${server.address}`])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'users-cli: --age must be between 0 and 150, got 200\n',
    });
    expect(await runCliInProcess(['create', '--email=young@example.com', '--firstname', 'x'.repeat(101), `--address=${server.address}`])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'users-cli: --firstname must be at most 100 characters\n',
    });
    expect(await runCliInProcess(['create', '--email=young@example.com', '--id=a b', `--address=${server.address}`])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'users-cli: --id "a b" may only contain letters, digits, \'.\', \'_\', \':\' and \'-\'\n',
    });
    expect(await runCliInProcess(['search', `--name=${'x'.repeat(101)}`, `--address=${server.address}`])).toMatchObject({ code: 2, stdout: '' });
    // A refusal that is no flag's fault stays exit 1.
    await runCliInProcess(['create', '--email=twice@example.com', `--address=${server.address}`]);
    expect(await runCliInProcess(['create', '--email=twice@example.com', `--address=${server.address}`])).toMatchObject({ code: 1, stdout: '' });
  });

  test('create --id stores the user under that id', async () => {
    const result = await runCliInProcess(['create', '--email=with-id@example.com', '--id=my-id-1', '-o', 'jsonl', `--address=${server.address}`]);
    expect(result).toEqual({
      code: 0,
      stdout: '{"id":"my-id-1","age":0,"name":{"first":"","last":""},"email":"with-id@example.com","phone":"","address":""}\n',
      stderr: '',
    });
  });
});

describe('health', () => {
  let server: Server;
  let address: string;
  const state = HealthState();
  beforeAll(async () => {
    server = createServer();
    server.add(HealthDefinition, HealthServiceImpl(state));
    address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
  });
  afterAll(() => server.shutdown());

  test('NOT_SERVING: printed, exit 1', async () => {
    state.setStatus('unhealthy', '');
    expect(await runCliInProcess(['health', `--address=${address}`])).toEqual({ code: 1, stdout: 'NOT_SERVING\n', stderr: '' });
    expect(await runCliInProcess(['health', '-o', 'json', `--address=${address}`])).toEqual({ code: 1, stdout: '{\n  "status": "NOT_SERVING"\n}\n', stderr: '' });
  });

  test('SERVING: exit 0', async () => {
    state.setStatus('healthy', 'custom.Service');
    expect(await runCliInProcess(['health', '--service=custom.Service', `--address=${address}`])).toEqual({ code: 0, stdout: 'SERVING\n', stderr: '' });
  });

  test('a server without user.UserService', async () => {
    expect(await runCliInProcess(['list', `--address=${address}`])).toEqual({
      code: 1,
      stdout: '',
      stderr: `users-cli: ${address} does not implement user.UserService/List: is it users-server?\n`,
    });
  });
});

describe('a user.Status other than SUCCESS, checked once for every command', () => {
  let server: Server;
  let address: string;
  beforeAll(async () => {
    server = createServer();
    const failed = (code: Status_StatusCode, msg = '') => ({ status: { code, msg }, users: [], nextPageToken: '' });
    server.add(UserServiceDefinition, {
      list: async () => failed(Status_StatusCode.NO_IMPL_YET),
      searchName: async () => failed(Status_StatusCode.FAILED, 'unused'),
      searchAge: async () => failed(Status_StatusCode.INVALID_QUERY, 'ageRange.to_included is too large'),
      getByEmail: async () => ({ status: { code: Status_StatusCode.FAILED, msg: 'boom' }, user: undefined }),
      create: async () => ({ status: undefined, user: undefined }),
    });
    address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
  });
  afterAll(() => server.shutdown());

  test.each([
    [['list'], 'the server answered NO_IMPL_YET', 'NO_IMPL_YET', 1],
    // It names a flag typed: a usage error.
    [['search', '--agefrom=1', '--ageto=2'], '--ageto is too large', 'INVALID_QUERY', 2],
    [['get', 'a@x.io'], 'boom', 'FAILED', 1],
    [['create', '--email=a@x.io'], 'the server answered FAILED', 'FAILED', 1],
  ])('%j', async (argv, message, code, exit) => {
    expect(await runCliInProcess([...argv, `--address=${address}`])).toEqual({ code: exit, stdout: '', stderr: `users-cli: ${message}\n` });
    const verbose = await runCliInProcess([...argv, '-v', `--address=${address}`]);
    expect(verbose.stderr.split('\n').slice(-2)).toEqual([`users-cli: debug: status code: ${code}`, '']);
  });
});

describe('without a server', () => {
  test('--help, -h and help: commands, flags by heading, settings and exit codes; exit 0', async () => {
    const help = await runCliInProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    for (const command of ['list', 'get <email..>', 'search', 'create', 'health', 'version', 'completion [shell]', 'help [command]']) {
      expect(help.stdout).toContain(`\n  users-cli ${command} `);
    }
    expect(help.stdout).toContain('\nConnection flags:\n      --address ');
    expect(help.stdout).toContain('\nOutput flags:\n  -o, --output ');
    expect(help.stdout).toContain('\nFlags:\n  -h, --help ');
    expect(help.stdout).toContain('  -V, --version ');
    expect(help.stdout).toContain(
      'Exit codes:\n' +
        '  0  success (health: SERVING)\n' +
        '  1  the call failed, a user was not found, or the server is not SERVING\n' +
        '  2  bad flags or flag values, arguments, variables or config file\n',
    );
    expect(await runCliInProcess(['help'])).toEqual(help);
    expect(await runCliInProcess(['-h'])).toEqual(help);
  });

  test('help wraps at the terminal width (80 when stdout is not a terminal)', async () => {
    const widest = (text: string) => Math.max(...text.split('\n').map((line) => [...line].length));
    expect(widest((await runCliInProcess(['--help'])).stdout)).toBeLessThanOrEqual(80);
    expect(widest((await runCliInProcess(['--help'], { columns: 60 })).stdout)).toBeLessThanOrEqual(60);
    expect(widest((await runCliInProcess(['search', '--help'], { columns: 140 })).stdout)).toBeGreaterThan(80);
  });

  test.each(['list', 'get', 'search', 'create', 'health', 'version', 'completion'])('help %s at 80 columns: examples on one line each (copy and paste), a space before each type', async (command) => {
    const { stdout } = await runCliInProcess(['help', command]);
    const lines = stdout.split('\n');
    expect(lines.filter((line) => [...line].length > 80)).toEqual([]);
    const examples = lines.slice(lines.indexOf('Examples:') + 1).filter(Boolean);
    expect(examples.length).toBeGreaterThan(0);
    expect(examples.filter((line) => !/^ {2}(users-cli|source <\(users-cli) /.test(line))).toEqual([]);
    expect(lines.filter((line) => /\S\[(boolean|string|number|array|choices|default)/.test(line))).toEqual([]);
  });

  test('help COMMAND is COMMAND --help: its own flags first, then the global ones, then examples', async () => {
    const help = await runCliInProcess(['help', 'create']);
    expect(help).toEqual(await runCliInProcess(['create', '--help']));
    const headings = help.stdout.split('\n').filter((line) => /^[A-Z][a-z ]+:$/.test(line));
    expect(headings).toEqual(['Flags:', 'Global flags:', 'Examples:']);
    expect(help.stdout).toMatch(/Flags:\n {2}-h, --help .*\n {6}--email /);
    expect(help.stdout).toMatch(/--age +age in years, 0 to 150 +\[number\] \[default: 0\]/);
    expect(help.stdout).toContain('--from-file');
    expect(help.stdout).toContain('--id');
  });

  test('numeric flags are numbers, the email of get is required', async () => {
    expect((await runCliInProcess(['search', '--help'])).stdout).toMatch(/--agefrom +lowest age, with --ageto +\[number\]/);
    expect((await runCliInProcess(['search', '--help'])).stdout).toMatch(/--ageto +highest age \(included\), with --agefrom +\[number\]/);
    const get = (await runCliInProcess(['get', '--help'])).stdout;
    expect(get.split('\n')[0]).toBe('users-cli get <email..>');
    expect(get).toMatch(/email +email addresses of users +\[array\] \[required\]\n/);
  });

  test.each(['list', 'get', 'search', 'create', 'health', 'version', 'completion'])('%s --help has examples', async (command) => {
    const help = await runCliInProcess([command, '--help']);
    expect(help.stdout).toMatch(new RegExp(`\nExamples:\n {2}(source <\\()?users-cli ${command}`));
  });

  test('version --help lists no connection flags', async () => {
    const help = (await runCliInProcess(['version', '--help'])).stdout;
    expect(help).not.toContain('--cacert');
    expect(help).toContain('--output');
  });

  test.each([
    [[], 'users-cli: a command is needed (see --help)'],
    [['nope'], 'users-cli: unknown command "nope" (see --help)'],
    [['serch', '--name=x'], 'users-cli: unknown command "serch" (did you mean search?) (see --help)'],
    [['lsit'], 'users-cli: unknown command "lsit" (did you mean list?) (see --help)'],
    [['help', 'serch'], 'users-cli: unknown command "serch" (did you mean search?) (see --help)'],
    [['search', '--nme=mael'], 'users-cli: unknown flag --nme (did you mean --name?) (see users-cli search --help)'],
    [['list', '--adress=x:1'], 'users-cli: unknown flag --adress (did you mean --address?) (see users-cli list --help)'],
    [['list', '--bogus'], 'users-cli: unknown flag --bogus (see users-cli list --help)'],
    [['list', '-x'], 'users-cli: unknown flag -x (see users-cli list --help)'],
    [['-V', 'list'], 'users-cli: unknown flag -V (see users-cli list --help)'],
    [['list', 'extra'], 'users-cli: unknown argument: extra (see --help)'],
    [['list', '--timeout=soon'], 'users-cli: invalid --timeout "soon": expected a duration such as 10s, 500ms or 2m'],
    [['list', '--timeout=600h'], 'users-cli: invalid --timeout "600h": longer than 596h31m23.647s (2^31-1 ms, about 24.8 days: the longest timer Node.js keeps)'],
    [['list', '--address=nope'], 'users-cli: invalid --address "nope": expected host:port, e.g. localhost:8000'],
    [['list', '--address=127.0.0.1:99999'], 'users-cli: invalid --address "127.0.0.1:99999": port 99999 is out of range (1 to 65535)'],
    [['list', '--address=127.0.0.1:0'], 'users-cli: invalid --address "127.0.0.1:0": port 0 is out of range (1 to 65535)'],
    [
      ['list', '--address=[fe80::1%lo]:8000'],
      'users-cli: invalid --address "[fe80::1%lo]:8000": users-cli cannot connect to an IPv6 address with a zone (%lo), gRPC for Node does not support it; use the server\'s global address or a host name',
    ],
    [['list', '-o', 'xml'], 'users-cli: invalid --output "xml": allowed values are text, json, jsonl, yaml, table'],
    [['list', '--color=sometimes'], 'users-cli: invalid --color "sometimes": allowed values are auto, always, never'],
    [['list', '--cleartext', '--tls'], 'users-cli: --cleartext cannot be combined with --tls'],
    [['list', '--tls=yes'], 'users-cli: invalid --tls "yes": expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)'],
    [['list', '--cleartext=on'], 'users-cli: invalid --cleartext "on": expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)'],
    [['list', '--cleartext', '--cacert=ca.crt'], 'users-cli: --cleartext cannot be combined with --cacert'],
    [['list', '--cert=/x.crt'], 'users-cli: --cert needs a key too (--key, USERS_CLI_KEY or key in the config file)'],
    [['create'], 'users-cli: create needs --email=EMAIL, or --from-file=FILE'],
    [['create', '--email=a@x.io', '--age=old'], 'users-cli: invalid --age "old": expected a whole number'],
    [['create', '--email=a@x.io', '--age=0x10'], 'users-cli: invalid --age "0x10": expected a whole number'],
    [['create', '--email=a@x.io', '--from-file=u.json'], 'users-cli: --from-file cannot be combined with --email'],
    [['search'], 'users-cli: search needs --name=PART, or --agefrom=N and --ageto=M'],
    [['search', '--name=a', '--agefrom=1', '--ageto=2'], 'users-cli: --name cannot be combined with --agefrom'],
    [['search', '--agefrom=1'], 'users-cli: --agefrom needs --ageto too'],
    [['search', '--ageto=1'], 'users-cli: --ageto needs --agefrom too'],
    // The two searches mixed: said first, whatever else is missing.
    [['search', '--name=a', '--agefrom=1'], 'users-cli: --name cannot be combined with --agefrom'],
    [['search', '--agefrom=x', '--ageto=3'], 'users-cli: invalid --agefrom "x": expected a whole number'],
    [['search', '--agefrom=2147483648', '--ageto=3'], 'users-cli: invalid --agefrom "2147483648": out of range (at most 2147483647)'],
    [['search', '--agefrom=1', '--ageto=-2147483649'], 'users-cli: invalid --ageto "-2147483649": out of range (at least -2147483648)'],
    [['list', '--page-size=2147483648'], 'users-cli: invalid --page-size "2147483648": out of range (at most 2147483647)'],
    [['list', '--limit', '99999999999999999999'], 'users-cli: invalid --limit "99999999999999999999": out of range (at most 2147483647)'],
    [['get'], 'users-cli: get needs EMAIL (see users-cli get --help)'],
    [['completion', 'tcsh'], 'users-cli: invalid shell "tcsh": allowed values are bash, zsh, fish'],
  ])('usage error %j: one line, exit 2', async (argv, stderr) => {
    expect(await runCliInProcess(argv)).toEqual({ code: 2, stdout: '', stderr: `${stderr}\n` });
  });

  test('version, --version and -V', async () => {
    const expected = { code: 0, stdout: 'users-cli dev (commit dev, built dev)\n', stderr: '' };
    expect(await runCliInProcess(['version'])).toEqual(expected);
    expect(await runCliInProcess(['--version'])).toEqual(expected);
    expect(await runCliInProcess(['-V'])).toEqual(expected);
    expect(JSON.parse((await runCliInProcess(['-V', '-ojson'])).stdout)).toEqual({ version: 'dev', commit: 'dev', date: 'dev' });
    expect((await runCliInProcess(['version', '-o', 'yaml'])).stdout).toBe('version: dev\ncommit: dev\ndate: dev\n');
  });

  test('version works even with a broken config file: only calls read it', async () => {
    expect((await runCliInProcess(['version', '--config=/nonexistent.yml'])).code).toBe(0);
  });

  test('completion SHELL prints the script; without one, the shell comes from $SHELL', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const result = await runCliInProcess(['completion', shell]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`users-cli __complete ${shell} `);
      expect(await runCliInProcess(['completion'], { env: { SHELL: `/usr/bin/${shell}` } })).toEqual(result);
    }
    expect(await runCliInProcess(['completion'], { env: { SHELL: '/bin/sh' } })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'users-cli: completion needs a shell: bash, zsh or fish (SHELL is "/bin/sh")\n',
    });
  });

  test('completion --help is help, not the script', async () => {
    const help = await runCliInProcess(['completion', '--help']);
    expect(help.stdout.split('\n')[0]).toBe('users-cli completion [shell]');
    expect(help.stdout).not.toContain('__complete');
  });

  test('an unexpected failure: one line, the stack only with -v', async () => {
    const run = (argv: string[]) => {
      let stderr = '';
      return runCli({
        argv,
        env: {},
        homeDir: '/nonexistent',
        stdoutIsTTY: false,
        stdout: { write: () => true },
        stderr: { write: (text: string) => (stderr += text) },
        connect: () => {
          throw new TypeError('boom\nsecond line');
        },
      }).then((code) => ({ code, stderr }));
    };
    expect(await run(['list'])).toEqual({ code: 1, stderr: 'users-cli: unexpected error: boom\n' });
    const verbose = await run(['list', '-v']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/users-cli: debug: timeout 10s \(from default\)\nusers-cli: unexpected error: boom\nusers-cli: debug: TypeError: boom\nsecond line\n\s+at /);
  });
});
