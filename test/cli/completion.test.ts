import { runCliInProcess } from '../support/cli-in-process';

// What the completion scripts get from `users-cli __complete SHELL WORDS...`;
// test/e2e/cli-completion.test.ts drives a real bash with the script.

const complete = async (shell: string, ...words: string[]) => {
  const result = await runCliInProcess(['__complete', shell, ...words]);
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  return result.stdout;
};

describe('__complete', () => {
  test('commands, with descriptions for zsh and fish, without for bash', async () => {
    expect(await complete('bash', '')).toBe('list\nget\nsearch\ncreate\nhealth\nversion\ncompletion\nhelp\n');
    expect(await complete('bash', 'li')).toBe('list\n');
    expect(await complete('zsh', 'li')).toBe('list\tprint every user, sorted by email\n');
    expect(await complete('fish', 'he')).toBe('health\tcheck grpc.health.v1 and print the status; exit 0 only when SERVING\nhelp\tshow help for a command\n');
  });

  test("a command's own flags first, then the global ones; long names only, no fake --o or --v", async () => {
    const flags = (await complete('bash', 'search', '--')).split('\n').filter(Boolean);
    expect(flags.slice(0, 3)).toEqual(['--name', '--agefrom', '--ageto']);
    expect(flags).toEqual(expect.arrayContaining(['--address', '--output', '--no-headers', '--quiet', '--verbose', '--help']));
    expect(flags).not.toEqual(expect.arrayContaining(['--o']));
    expect(flags.filter((flag) => !/^--[a-z][a-z-]+$/.test(flag))).toEqual([]);
    expect(await complete('zsh', 'search', '--na')).toBe('--name\tpart of a first or last name; case and accents are ignored\n');
  });

  test('values for -o, --output=, --color and completion', async () => {
    expect(await complete('bash', 'list', '-o', '')).toBe('text\njson\njsonl\nyaml\ntable\n');
    expect(await complete('bash', 'list', '-o', 'js')).toBe('json\njsonl\n');
    expect(await complete('bash', 'list', '--output', 'y')).toBe('yaml\n');
    expect(await complete('bash', 'list', '--output=t')).toBe('--output=text\n--output=table\n');
    expect(await complete('bash', 'list', '--color', '')).toBe('auto\nalways\nnever\n');
    expect(await complete('fish', '--color=a')).toBe('--color=auto\n--color=always\n');
    expect(await complete('bash', 'completion', '')).toBe('bash\nzsh\nfish\n');
    expect(await complete('zsh', 'completion', 'z')).toBe('zsh\tzsh script\n');
  });

  test('values attached to a short flag, kubectl style: -ojs and -o=js keep their flag', async () => {
    expect(await complete('bash', 'list', '-oj')).toBe('-ojson\n-ojsonl\n');
    expect(await complete('bash', 'list', '-o=j')).toBe('-o=json\n-o=jsonl\n');
    expect(await complete('zsh', 'get', 'a@x.io', '-oy')).toBe('-oyaml\n');
    expect(await complete('fish', 'list', '-o=')).toBe('-o=text\n-o=json\n-o=jsonl\n-o=yaml\n-o=table\n');
    // -q takes no value, so -qx is no flag with a value: no candidates.
    expect(await complete('bash', 'list', '-qx')).toBe('');
    // A flag value is not taken for a command when a short flag carries it.
    expect(await complete('bash', '-ojson', 'li')).toBe('list\n');
  });

  test('file names for --cacert, --cert, --key, --config and --from-file', async () => {
    for (const flag of ['--cacert', '--cert', '--key', '--config']) expect(await complete('bash', 'list', flag, '')).toBe('__files__\n');
    expect(await complete('bash', 'create', '--from-file=')).toBe('__files__\n');
  });

  test('help offers commands; a flag value is not taken for the command', async () => {
    expect(await complete('bash', 'help', 's')).toBe('search\n');
    expect(await complete('bash', '--address', 'list', 'ge')).toBe('get\n');
    expect(await complete('bash', 'get', 'a@x.io', '')).toBe('');
  });
});
