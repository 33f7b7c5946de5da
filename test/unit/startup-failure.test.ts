import { jsonLogsRequested, startupFailureLine } from '../../src/server/startup-failure';

const at = new Date('2026-11-27T03:00:00.000Z');

test('a start-up failure is one plain line, or one JSON line under JSON logs', () => {
  expect(startupFailureLine('invalid --address "x"', false, at)).toBe('users-server: invalid --address "x"\n');
  expect(startupFailureLine('invalid --address "x"', true, at)).toBe(
    '{"level":"error","message":"users-server: invalid --address \\"x\\"","timestamp":"2026-11-27T03:00:00.000Z"}\n',
  );
});

test.each([
  [['--logfmt=json'], {}, true],
  [['--logfmt', 'json'], {}, true],
  [['--logfmt=json', '--logfmt=text'], {}, false],
  [['--logfmt=text', '--logfmt', 'json'], {}, true],
  [[], { LOG_FORMAT: 'json' }, true],
  [['--logfmt=text'], { LOG_FORMAT: 'json' }, false],
  [['--logfmt'], {}, false],
  [[], {}, false],
  [['--logfmt=JSON'], {}, false],
  // Go's one-dash flags, as the settings take them.
  [['-logfmt=json'], {}, true],
  [['-logfmt', 'json'], {}, true],
  [['-logfmt=json', '-address=bad'], { LOG_FORMAT: 'text' }, true],
])('JSON logs for %j with %j: %s', (argv, env, expected) => {
  expect(jsonLogsRequested(argv as string[], env as NodeJS.ProcessEnv)).toBe(expected);
});
