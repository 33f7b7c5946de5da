import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import { runCliInProcess } from '../support/cli-in-process';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';
import { makeTempDir, type TempDir } from '../support/temp-dir';

// create --from-file, in-process against a real server (test/e2e/cli.test.ts
// runs the same through the dist bundle).
let env: InProcessServer;
let dir: TempDir;
beforeAll(async () => {
  env = await startInProcessServer();
  dir = makeTempDir();
});
afterAll(async () => {
  dir.cleanup();
  await env.stop();
});

const cli = (args: string[], stdin?: string) => runCliInProcess([...args, `--address=${env.address}`], { stdin });

test('an array from a file: one Create per user, in order; a refused one is named, the others created, exit 1', async () => {
  const file = dir.write('users.json', JSON.stringify([{ email: 'ada@example.com', name: { first: 'Ada', last: 'Lovelace' }, age: 36 }, { email: 'ada@example.com' }, { email: 'alan@example.com', id: 'alan', phone: '+44', address: 'Wilmslow' }]));
  const result = await cli(['create', `--from-file=${file}`, '-o', 'jsonl']);
  expect(result.stderr).toBe(`users-cli: ${file}: user 2 (ada@example.com): email already exists\n`);
  expect(result.code).toBe(1);
  expect(result.stdout.trim().split('\n').map((line) => JSON.parse(line))).toEqual([
    { id: expect.stringMatching(/.+/), age: 36, name: { first: 'Ada', last: 'Lovelace' }, email: 'ada@example.com', phone: '', address: '' },
    { id: 'alan', age: 0, name: { first: '', last: '' }, email: 'alan@example.com', phone: '+44', address: 'Wilmslow' },
  ]);
});

/** create --from-file of 5 users against a server that goes away during the 3rd Create, as a restarted or killed one does. */
async function interruptedCreate(flags: string[]): Promise<{ result: Awaited<ReturnType<typeof runCliInProcess>>; file: string; address: string }> {
  let inserts = 0;
  const repository = new MemoryUserRepository();
  const leaving = Object.assign(Object.create(repository) as MemoryUserRepository, {
    insert: async (record: Parameters<MemoryUserRepository['insert']>[0]) => {
      if (++inserts === 3) {
        stopping.server.forceShutdown();
        return new Promise<never>(() => {});
      }
      return repository.insert(record);
    },
  });
  const stopping = await startInProcessServer({}, leaving);
  try {
    const users = Array.from({ length: 5 }, (_, i) => ({ email: `u${i + 1}@example.com`, id: `u${i + 1}` }));
    const file = dir.write('five.json', JSON.stringify(users));
    const result = await runCliInProcess(['create', `--from-file=${file}`, ...flags, `--address=${stopping.address}`]);
    return { result, file, address: stopping.address };
  } finally {
    await stopping.stop();
  }
}

test('a run the server stops half-way prints the users it created, then where it stopped and why, exit 1', async () => {
  const { result, file, address } = await interruptedCreate(['-o', 'json']);
  expect(result.code).toBe(1);
  expect(JSON.parse(result.stdout).map((user: { id: string }) => user.id)).toEqual(['u1', 'u2']);
  expect(result.stderr).toBe(
    `users-cli: ${file}: stopped at user 3 of 5 (u3@example.com) by the error below; the 2 created before it are printed\n` +
      `users-cli: ${address} cancelled the call: is it shutting down?\n`,
  );
});

test('the same under --quiet: nothing printed, and the message does not say it was', async () => {
  const { result, file, address } = await interruptedCreate(['-q']);
  expect(result).toEqual({
    code: 1,
    stdout: '',
    stderr:
      `users-cli: ${file}: stopped at user 3 of 5 (u3@example.com) by the error below; the 2 before it were created (not printed: --quiet)\n` +
      `users-cli: ${address} cancelled the call: is it shutting down?\n`,
  });
});

test('one object from stdin: printed as one user', async () => {
  expect(await cli(['create', '--from-file=-'], JSON.stringify({ email: 'grace@example.com', name: { first: 'Grace', last: 'Hopper' }, age: 85 }))).toEqual({
    code: 0,
    stdout: 'Grace Hopper <grace@example.com> (85 years old, address: )\n',
    stderr: '',
  });
});

test('a bad file: one line naming the file and the problem, exit 2, nothing created', async () => {
  const cases: Array<[string, string]> = [
    ['not json', 'not JSON (Unexpected token \'o\', "not json" is not valid JSON)'],
    // With its line break (echo, a heredoc), the parser's message holds one: escaped, not cut there.
    ['not json\n', 'not JSON (Unexpected token \'o\', "not json\\n" is not valid JSON)'],
    ['[]', 'no users in the array'],
    ['[1]', 'user 1: expected an object such as {"email": "ada@example.com"}'],
    ['null', 'expected an object such as {"email": "ada@example.com"}'],
    ['[{"email": "x@example.com", "nmae": {}}]', 'user 1: unknown field "nmae" (did you mean "name"?)'],
    ['{"email": "x@example.com", "age": "ten"}', '"age" must be a whole number, got "ten"'],
    ['{"email": "x@example.com", "age": 1.5}', '"age" must be a whole number, got 1.5'],
    ['{"email": "x@example.com", "name": "X"}', '"name" must be an object such as {"first": "Ada", "last": "Lovelace"}'],
    ['{"email": "x@example.com", "name": {"frist": "X"}}', 'unknown field "name.frist" (did you mean "name.first"?)'],
    ['{"email": "x@example.com", "phone": 33}', '"phone" must be a string, got 33'],
    ['{"name": {"first": "X"}}', '"email" is required'],
    ['{"email": "  "}', '"email" is required'],
  ];
  for (const [text, reason] of cases) {
    const file = dir.write('bad.json', text);
    expect([text, await cli(['create', `--from-file=${file}`])]).toEqual([text, { code: 2, stdout: '', stderr: `users-cli: invalid --from-file ${JSON.stringify(file)}: ${reason}\n` }]);
  }
  expect(await cli(['create', `--from-file=${dir.path}/missing.json`])).toEqual({ code: 2, stdout: '', stderr: `users-cli: invalid --from-file "${dir.path}/missing.json": no such file\n` });
  expect(await cli(['create', `--from-file=${dir.path}`])).toEqual({ code: 2, stdout: '', stderr: `users-cli: invalid --from-file "${dir.path}": is a directory\n` });
  expect(await cli(['create', '--from-file=/dev/zero'])).toEqual({ code: 2, stdout: '', stderr: 'users-cli: invalid --from-file "/dev/zero": larger than 64 MiB\n' });
  expect((await cli(['get', 'x@example.com'])).code).toBe(1);
});

test('null fields count as empty', async () => {
  const result = await cli(['create', '--from-file=-', '-o', 'json'], JSON.stringify({ email: 'nul@example.com', id: null, phone: null, name: { first: null } }));
  expect([result.code, result.stderr]).toEqual([0, '']);
  expect(JSON.parse(result.stdout)).toEqual(expect.objectContaining({ email: 'nul@example.com', phone: '', name: { first: '', last: '' } }));
});
