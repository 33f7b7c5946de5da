import { useOccupiedPort } from '../support/occupied-port';
import { requireServerBundle } from '../support/prerequisites';
import { run, SERVER_BIN } from '../support/processes';

// Under --logfmt=json no plain-text line may reach stderr, not even the one that says why the server did not start.
const runServer = (args: string[], env: NodeJS.ProcessEnv = {}) => run(process.execPath, [SERVER_BIN, ...args], { env });

function parseOneJsonLine(text: string): Record<string, unknown> {
  const lines = text.split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toBe('');
  return JSON.parse(lines[0]) as Record<string, unknown>;
}

beforeAll(() => requireServerBundle());

test('a bad flag under --logfmt=json: exit 2, one JSON line naming it', async () => {
  const result = await runServer(['--logfmt=json', '--address=nonsense']);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const line = parseOneJsonLine(result.stderr);
  expect(line).toEqual({ level: 'error', message: 'users-server: invalid --address "nonsense": expected host:port, e.g. 0.0.0.0:8000', timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
});

test('LOG_FORMAT=json counts too, and migrate without a database says so as JSON', async () => {
  const result = await runServer(['migrate'], { LOG_FORMAT: 'json' });
  expect(result.code).toBe(2);
  expect(parseOneJsonLine(result.stderr).message).toBe('users-server: migrate needs --database-url (or DATABASE_URL): the in-memory store has no schema');
});

describe('a port already in use', () => {
  const busy = useOccupiedPort();

  test('under --logfmt=json: exit 1, one JSON line on stderr, stdout all JSON', async () => {
    const result = await runServer(['--logfmt=json', `--address=127.0.0.1:${busy.port}`, '--metrics-address=']);
    expect(result.code).toBe(1);
    expect(parseOneJsonLine(result.stderr)).toMatchObject({
      level: 'error',
      message: `users-server: cannot listen on --address 127.0.0.1:${busy.port}: address already in use`,
    });
    for (const line of result.stdout.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
  });

  test('in text: the same failure stays one plain line', async () => {
    const result = await runServer([`--address=127.0.0.1:${busy.port}`, '--metrics-address=']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`users-server: cannot listen on --address 127.0.0.1:${busy.port}: address already in use\n`);
  });
});
