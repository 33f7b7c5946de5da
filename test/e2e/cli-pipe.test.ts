import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireCliBundle, requireServerBundle } from '../support/prerequisites';
import { CLI_BIN, run, startServerProcess, type ServerProcess } from '../support/processes';
import { makeTempDir, type TempDir } from '../support/temp-dir';

// `users-cli list | head -1`: the reader goes away after one line, and the
// CLI must take that as the end of its job (exit 0, nothing on stderr).

let dir: TempDir;
let server: ServerProcess;
beforeAll(async () => {
  requireServerBundle();
  requireCliBundle();
  dir = makeTempDir('users-cli-pipe-');
  // Far more output than a pipe holds (64 KiB), so the CLI is still writing when head exits.
  const users = Array.from({ length: 3000 }, (_, i) => ({ email: `user${String(i).padStart(4, '0')}@example.com`, firstName: 'Pipe', lastName: `Reader${i}`, age: 30, address: 'x'.repeat(60) }));
  const file = path.join(dir.path, 'users.json');
  writeFileSync(file, JSON.stringify(users));
  server = await startServerProcess([`--samples-file=${file}`]);
});
afterAll(async () => {
  await server.stop();
  dir.cleanup();
});

test('users-cli list | head -1: exit 0, one line, nothing on stderr', async () => {
  const result = await run('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${CLI_BIN}" list --address=${server.address} | head -1`], {
    env: { HOME: dir.path },
  });
  expect(result).toEqual({
    code: 0,
    stdout: `Pipe Reader0 <user0000@example.com> (30 years old, address: ${'x'.repeat(60)})\n`,
    stderr: '',
  });
});

test('-o table into a pipe: nothing cut, unless COLUMNS says a width', async () => {
  const args = [`${process.execPath}`, CLI_BIN, 'get', 'user0000@example.com', '-o', 'table', '--no-headers', `--address=${server.address}`].map((arg) => `"${arg}"`).join(' ');
  const row = (address: string) => `user0000@example.com   Pipe Reader0   30      ${address}\n`;
  const piped = await run('bash', ['-o', 'pipefail', '-c', `env -u COLUMNS ${args} | cat`], { env: { HOME: dir.path } });
  expect(piped).toEqual({ code: 0, stdout: row('x'.repeat(60)), stderr: '' });
  const narrow = await run('bash', ['-o', 'pipefail', '-c', `${args} | cat`], { env: { HOME: dir.path, COLUMNS: '60' } });
  expect(narrow).toEqual({ code: 0, stdout: row(`${'x'.repeat(13)}…`), stderr: '' });
});

describe('output that cannot be written (/dev/full): one line, exit 1, never exit 0', () => {
  const cli = (args: string) => run('bash', ['-c', `"${process.execPath}" "${CLI_BIN}" ${args} >/dev/full`], { env: { HOME: dir.path } });
  const failure = { code: 1, stdout: '', stderr: 'users-cli: cannot write the output: no space left on device\n' };

  test.each([['get user0000@example.com'], ['list'], ['list -o json'], ['health']])('%s', async (args) => {
    expect(await cli(`${args} --address=${server.address}`)).toEqual(failure);
  });

  test('--version', async () => {
    expect(await cli('--version')).toEqual(failure);
  });

  test('nothing to write (--quiet, or an error alone): the exit code of the command', async () => {
    expect(await cli(`get user0000@example.com --quiet --address=${server.address}`)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await cli(`get nobody@example.com --address=${server.address}`)).toEqual({ code: 1, stdout: '', stderr: 'users-cli: the email nobody@example.com cannot be found\n' });
  });
});
