import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { requireCliBundle } from '../support/prerequisites';
import { CLI_BIN } from '../support/processes';
import { makeTempDir, type TempDir } from '../support/temp-dir';

// The bash completion script in a real interactive bash, driven through tmux:
// keys are typed, TAB pressed, and the screen read back.

let dir: TempDir;
const socket = `users-cli-completion-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

/** The screen, polled until it shows `expected` (or 10 s pass, then the test fails showing it). */
async function screenShowing(expected: string): Promise<string> {
  let screen = '';
  for (let attempt = 0; attempt < 100; attempt += 1) {
    screen = tmux('capture-pane', '-p', '-t', 'cli');
    if (screen.includes(expected)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return screen;
}

beforeAll(async () => {
  requireCliBundle();
  if (spawnSync('tmux', ['-V']).error) throw new Error("tmux is missing: this test drives bash through it. Install it with 'apt-get install -y tmux' (make test-deps does)");
  dir = makeTempDir('users-cli-completion-');
  chmodSync(dir.write('users-cli', `#!/bin/sh\nexec "${process.execPath}" "${CLI_BIN}" "$@"\n`), 0o755);
  const rc = dir.write('bashrc', `PS1='ready$ '\nexport PATH="${dir.path}:$PATH" HOME="${dir.path}"\nbind 'set show-all-if-ambiguous on'\nsource <(users-cli completion bash)\n`);
  tmux('new-session', '-d', '-s', 'cli', '-x', '150', '-y', '40', `env -i TERM=xterm PATH="${process.env.PATH}" bash --noprofile --rcfile ${rc} -i`);
  expect(await screenShowing('ready$')).toContain('ready$');
});

afterAll(() => {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  dir?.cleanup();
});

/**
 * Types `line`, presses TAB (which lists the candidates when several fit, by
 * show-all-if-ambiguous), then types `#`, which
 * bash reads only once the completion is done: `list #` shows that it added
 * `list` and a space. Returns the screen, and clears the line.
 */
async function tab(line: string, expected: string): Promise<string> {
  tmux('send-keys', '-t', 'cli', '-l', line);
  tmux('send-keys', '-t', 'cli', 'Tab');
  tmux('send-keys', '-t', 'cli', '-l', '#');
  const screen = await screenShowing(expected);
  tmux('send-keys', '-t', 'cli', 'C-c');
  tmux('send-keys', '-t', 'cli', 'clear', 'Enter');
  await screenShowing('ready$');
  return screen;
}

test('TAB after `users-cli li` gives `list`', async () => {
  expect(await tab('users-cli li', 'ready$ users-cli list #')).toContain('ready$ users-cli list #');
});

test('TAB after -o js lists json and jsonl', async () => {
  const screen = await tab('users-cli list -o js', 'jsonl');
  expect(screen).toMatch(/\njson +jsonl *\nready\$ users-cli list -o json#/);
});

test('--color=al completes to --color=always', async () => {
  expect(await tab('users-cli list --color=al', '--color=always #')).toContain('ready$ users-cli list --color=always #');
});

test('search --na completes the flag; no fake --o', async () => {
  expect(await tab('users-cli search --na', 'search --name #')).toContain('ready$ users-cli search --name #');
});
