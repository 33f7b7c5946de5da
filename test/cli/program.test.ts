import { createServer, type Server } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
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

  test('-v prints the connection before the call', async () => {
    const result = await runCliInProcess(['health', '-v', `--address=${server.address}`, '--timeout=2']);
    expect(result).toEqual({ code: 0, stdout: 'SERVING\n', stderr: `users-cli: debug: address ${server.address} (from --address), plaintext, timeout 2s\n` });
  });

  test('-v adds the status code to a failed status', async () => {
    const result = await runCliInProcess(['get', 'nobody@example.com', '-v', `--address=${server.address}`]);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      `users-cli: debug: address ${server.address} (from --address), plaintext, timeout 10s`,
      'users-cli: the email nobody@example.com cannot be found',
      'users-cli: debug: status code: INVALID_QUERY',
      '',
    ]);
  });

  test('a repeated flag: the last one wins', async () => {
    const result = await runCliInProcess(['search', '--name=zzz', '--name=mael', `--address=${server.address}`]);
    expect(result.stdout).toBe('Maël Valadier <mael.valadier@example.com> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n');
  });

  test('get --email works like the positional', async () => {
    const result = await runCliInProcess(['get', '--email=mael.valadier@example.com', `--address=${server.address}`]);
    expect(result.code).toBe(0);
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

describe('without a server', () => {
  test('--help and help print the usage with the address precedence, exit 0', async () => {
    const help = await runCliInProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain(
      'Server address, the first one given of:\n' +
        '  1. --address\n' +
        '  2. the environment variable ADDRESS\n' +
        '  3. "address: HOST:PORT" in the config file (--config, default ~/.users-cli.yml)\n' +
        '  4. localhost:8000\n',
    );
    for (const command of ['create', 'get [email]', 'list', 'search', 'health', 'version', 'completion']) {
      expect(help.stdout).toContain(`users-cli ${command} `);
    }
    expect(await runCliInProcess(['help'])).toEqual(help);
  });

  test('a command --help documents its flags', async () => {
    const help = await runCliInProcess(['search', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--name +part of a first or last name; case and accents are ignored/);
    expect(help.stdout).toMatch(/--agefrom +lowest age, with --ageto/);
  });

  test.each([
    [[], 'users-cli: a command is needed (see --help)'],
    [['nope'], 'users-cli: unknown argument: nope (see --help)'],
    [['list', '--bogus'], 'users-cli: unknown argument: bogus (see --help)'],
    [['list', 'extra'], 'users-cli: unknown argument: extra (see --help)'],
    [['get', 'a@x.io', 'b@x.io'], 'users-cli: unknown argument: b@x.io (see --help)'],
    [['list', '--timeout=soon'], 'users-cli: invalid --timeout "soon": expected a positive duration such as 10s, 500ms or 2m'],
    [['list', '--address=nope'], 'users-cli: invalid --address "nope": expected host:port, e.g. localhost:8000'],
    [['list', '-o', 'xml'], 'users-cli: invalid --output "xml": allowed values are text, json'],
    [['create'], 'users-cli: create needs --email=EMAIL'],
    [['create', '--email=a@x.io', '--age=old'], 'users-cli: invalid --age "old": expected a whole number'],
    [['search'], 'users-cli: search needs --name=PART, or --agefrom=N and --ageto=M'],
    [['get'], 'users-cli: get needs an EMAIL, e.g. users-cli get alice@example.com'],
  ])('usage error %j: one line, exit 2', async (argv, stderr) => {
    expect(await runCliInProcess(argv)).toEqual({ code: 2, stdout: '', stderr: `${stderr}\n` });
  });

  test('version', async () => {
    expect(await runCliInProcess(['version'])).toEqual({ code: 0, stdout: 'users-cli dev (commit dev, built dev)\n', stderr: '' });
    expect(JSON.parse((await runCliInProcess(['version', '-o', 'json'])).stdout)).toEqual({ version: 'dev', commit: 'dev', date: 'dev' });
  });

  test('version works even with a broken config file: only calls read it', async () => {
    expect((await runCliInProcess(['version', '--config=/nonexistent.yml'])).code).toBe(0);
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
    expect(verbose.stderr).toMatch(/^users-cli: debug: address localhost:8000 \(from default\), plaintext, timeout 10s\nusers-cli: unexpected error: boom\nusers-cli: debug: TypeError: boom\nsecond line\n\s+at /);
  });
});
