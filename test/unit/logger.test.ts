import { createLogger } from '../../src/shared/logger';

// What the binaries log with: one event per line on stdout. winston's Console
// transport writes to console._stdout (Node's process.stdout); jest's console
// has none, so the test gives it one.
function captured(run: () => void): Promise<string[]> {
  const lines: string[] = [];
  const holder = console as unknown as { _stdout?: { write(chunk: string): boolean } };
  const saved = Object.getOwnPropertyDescriptor(holder, '_stdout');
  Object.defineProperty(holder, '_stdout', { configurable: true, value: { write: (chunk: string) => lines.push(chunk) > 0 } });
  run();
  // winston hands each event to its transport on a later tick.
  return new Promise((resolve) =>
    setImmediate(() => {
      if (saved) Object.defineProperty(holder, '_stdout', saved);
      else delete holder._stdout;
      resolve(lines);
    }),
  );
}

const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

test('text: time, level, message, then key=value fields; values with spaces or quotes in JSON', async () => {
  const lines = await captured(() => {
    const logger = createLogger({ format: 'text', level: 'info' });
    logger.info('call', { method: '/user.UserService/List', grpc_code: 'OK', duration_ms: 1.5 });
    logger.warn('odd', { reason: 'two words', quoted: 'a"b', n: 3 });
    logger.debug('hidden at info');
    logger.error('plain');
  });
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(new RegExp(`^${ISO} INFO  call method=/user.UserService/List grpc_code=OK duration_ms=1.5\\n$`));
  expect(lines[1]).toMatch(new RegExp(`^${ISO} WARN  odd reason="two words" quoted="a\\\\"b" n=3\\n$`));
  expect(lines[2]).toMatch(new RegExp(`^${ISO} ERROR plain\\n$`));
});

test('json: one object per line, with level, message, timestamp and the fields; an Error keeps its stack', async () => {
  const lines = await captured(() => {
    const logger = createLogger({ format: 'json', level: 'debug' });
    logger.debug('call', { method: '/grpc.health.v1.Health/Check' });
    logger.error(new Error('boom'));
  });
  expect(lines.map((line) => line.endsWith('\n'))).toEqual([true, true]);
  const [debug, error] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(debug).toEqual({ level: 'debug', message: 'call', method: '/grpc.health.v1.Health/Check', timestamp: expect.stringMatching(new RegExp(`^${ISO}$`)) });
  expect(error).toEqual(expect.objectContaining({ level: 'error', message: 'boom', stack: expect.stringContaining('Error: boom\n    at ') }));
});
