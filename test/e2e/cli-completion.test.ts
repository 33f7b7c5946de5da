import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { requireCliBundle } from '../support/prerequisites';
import { CLI_BIN } from '../support/processes';
import { makeTempDir, type TempDir } from '../support/temp-dir';

// Each completion script in a real interactive shell (bash, zsh, fish), driven
// through tmux: keys are typed, TAB pressed, and the screen read back.

let dir: TempDir;
const socket = `users-cli-completion-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

beforeAll(() => {
  requireCliBundle();
  for (const tool of ['tmux', 'bash', 'zsh', 'fish']) {
    if (spawnSync(tool, ['--version']).error) throw new Error(`${tool} is missing: these tests drive the shells through tmux. Install it with 'apt-get install -y ${tool}' (make test-deps does)`);
  }
  dir = makeTempDir('users-cli-completion-');
  chmodSync(dir.write('users-cli', `#!/bin/sh\nexec "${process.execPath}" "${CLI_BIN}" "$@"\n`), 0o755);
  dir.write('bashrc', `PS1='ready$ '\nbind 'set show-all-if-ambiguous on'\nsource <(users-cli completion bash)\n`);
  // zsh reads $ZDOTDIR/.zshrc; compinit first, as in any zsh set-up.
  dir.write('.zshrc', `PS1='ready$ '\nautoload -Uz compinit && compinit -u -d ${dir.path}/.zcompdump\nsource <(users-cli completion zsh)\n`);
  dir.write('config.fish', "set -g fish_greeting ''\nfunction fish_prompt; echo -n 'ready$ '; end\nusers-cli completion fish | source\n");
});

afterAll(() => {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  dir?.cleanup();
});

const SHELLS = {
  bash: () => `bash --noprofile --rcfile ${dir.path}/bashrc -i`,
  zsh: () => 'zsh -i',
  fish: () => `fish --no-config -C 'source ${dir.path}/config.fish'`,
};
type Shell = keyof typeof SHELLS;

/** The screen, polled until it shows `expected` (or 10 s pass, then the test fails showing it). */
async function screenShowing(session: string, expected: string | RegExp): Promise<string> {
  let screen = '';
  for (let attempt = 0; attempt < 100; attempt += 1) {
    screen = tmux('capture-pane', '-p', '-t', session);
    if (typeof expected === 'string' ? screen.includes(expected) : expected.test(screen)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return screen;
}

/**
 * Starts `shell`, types `line`, presses TAB, then types `#`, which the shell
 * reads only once the completion is done: `list #` shows that it put `list`
 * and a space (without `marker`, the list of candidates stays on screen).
 * Returns the screen once it shows `expected`.
 */
async function tab(shell: Shell, line: string, expected: string | RegExp, marker = true): Promise<string> {
  const session = `${shell}-${Math.random().toString(36).slice(2, 8)}`;
  const env = `env -i TERM=xterm HOME=${dir.path} ZDOTDIR=${dir.path} PATH="${dir.path}:${process.env.PATH}"`;
  tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '40', `${env} ${SHELLS[shell]()}`);
  try {
    await screenShowing(session, 'ready$');
    tmux('send-keys', '-t', session, '-l', line);
    tmux('send-keys', '-t', session, 'Tab');
    if (marker) tmux('send-keys', '-t', session, '-l', '#');
    return await screenShowing(session, expected);
  } finally {
    tmux('kill-session', '-t', session);
  }
}

describe.each(['bash', 'zsh', 'fish'] as const)('%s', (shell) => {
  test('TAB after `users-cli li` gives `list`', async () => {
    expect(await tab(shell, 'users-cli li', 'ready$ users-cli list #')).toContain('ready$ users-cli list #');
  });

  test('--color=al completes to --color=always', async () => {
    expect(await tab(shell, 'users-cli list --color=al', '--color=always #')).toContain('ready$ users-cli list --color=always #');
  });

  test('search --na completes the flag', async () => {
    expect(await tab(shell, 'users-cli search --na', 'search --name #')).toContain('ready$ users-cli search --name #');
  });

  test('-oya and -o=ya complete the value and keep the flag', async () => {
    expect(await tab(shell, 'users-cli list -oya', 'list -oyaml #')).toContain('ready$ users-cli list -oyaml #');
    expect(await tab(shell, 'users-cli list -o=ya', 'list -o=yaml #')).toContain('ready$ users-cli list -o=yaml #');
  });
});

test('bash: TAB after -o js lists json and jsonl', async () => {
  expect(await tab('bash', 'users-cli list -o js', /\njson +jsonl *\nready\$ users-cli list -o json#/)).toMatch(/\njson +jsonl *\nready\$ users-cli list -o json#/);
});

test('zsh: the candidates come with their descriptions', async () => {
  const screen = await tab('zsh', 'users-cli search --a', 'lowest age');
  expect(screen).toMatch(/--agefrom +-- lowest age, with --ageto/);
  expect(screen).toMatch(/--ageto +-- highest age \(included\), with --agefrom/);
});

test('fish: the candidates come with their descriptions', async () => {
  const screen = await tab('fish', 'users-cli he', 'show help', false);
  expect(screen).toMatch(/health +\(check grpc\.health\.v1 and print the status; exit 0 only when SERVING\)/);
  expect(screen).toMatch(/help +\(show help for a command\)/);
});
