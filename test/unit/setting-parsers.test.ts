import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/shared/config-error';
import { fileErrorReason } from '../../src/shared/file-error-reason';
import { duration, durationUpTo, filePath, hostPort, integerFrom, oneOf, parseGoBoolean } from '../../src/shared/setting-parsers';

function message(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('no ConfigError');
}

test('parseGoBoolean: exactly the forms of Go\'s strconv.ParseBool; yes, on and any other case are refused, naming the source', () => {
  for (const raw of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(parseGoBoolean(raw, '--x')).toBe(true);
  for (const raw of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(parseGoBoolean(raw, '--x')).toBe(false);
  for (const raw of ['yes', 'on', 'tRUE', 'maybe', '']) {
    expect(message(() => parseGoBoolean(raw, 'X'))).toBe(`invalid X ${JSON.stringify(raw)}: expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)`);
  }
});

test('oneOf: exactly one of the allowed values', () => {
  expect(oneOf('json', ['text', 'json'], '--o')).toBe('json');
  expect(message(() => oneOf('JSON', ['text', 'json'], '--o'))).toBe('invalid --o "JSON": allowed values are text, json');
});

test('hostPort, filePath, duration', () => {
  expect(hostPort('[::1]:80', '--a')).toBe('[::1]:80');
  expect(message(() => hostPort('x', '--a'))).toBe('invalid --a "x": expected host:port, e.g. 0.0.0.0:8000');
  expect(filePath('/a', '--f')).toBe('/a');
  expect(message(() => filePath('', 'F'))).toBe('invalid F: expected a file path');
  expect(duration('1m30s', '--d')).toBe(90_000);
  expect(message(() => duration('soon', '--d'))).toBe('invalid --d "soon": expected a duration such as 10s, 500ms or 2m');
});

test('duration: at most 2^31-1 ms, the longest timer Node keeps; durationUpTo a lower bound, saying why', () => {
  const tooLong = 'longer than 596h31m23.647s (2^31-1 ms, about 24.8 days: the longest timer Node.js keeps)';
  expect(duration('596h31m23.647s', '--d')).toBe(2 ** 31 - 1);
  expect(duration('2147483.647', '--d')).toBe(2 ** 31 - 1);
  for (const raw of ['596h31m23.648s', '2147483648ms', '720h', '1000h', '2147484', '99999999999999999999h']) {
    expect([raw, message(() => duration(raw, 'D'))]).toEqual([raw, `invalid D ${JSON.stringify(raw)}: ${tooLong}`]);
  }
  const age = durationUpTo(542 * 3_600_000, 'a reason');
  expect(age('542h', '--age')).toBe(542 * 3_600_000);
  expect(message(() => age('542h1ms', '--age'))).toBe('invalid --age "542h1ms": longer than 542h (a reason)');
  expect(message(() => age('later', '--age'))).toBe('invalid --age "later": expected a duration such as 10s, 500ms or 2m');
});

test('integerFrom: whole decimal numbers within the bounds', () => {
  const pageSize = integerFrom(1, 1000);
  expect(pageSize('1', '--n')).toBe(1);
  expect(pageSize('1000', '--n')).toBe(1000);
  for (const raw of ['0', '1001', '-1', '1.5', '1e3', '0x10', ' 5', '', 'ten', '9999999999999999']) {
    expect([raw, message(() => pageSize(raw, 'N'))]).toEqual([raw, `invalid N ${JSON.stringify(raw)}: expected a whole number from 1 to 1000`]);
  }
  expect(integerFrom(-5, 5)('-5', '--n')).toBe(-5);
});

test('fileErrorReason: a few words for the usual errors, the message otherwise', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'reason-'));
  try {
    const file = path.join(dir, 'f');
    writeFileSync(file, 'x');
    const reasonFor = (p: string) => {
      try {
        readFileSync(p);
      } catch (error) {
        return fileErrorReason(error);
      }
      return 'read';
    };
    expect(reasonFor(path.join(dir, 'missing'))).toBe('no such file');
    expect(reasonFor(dir)).toBe('is a directory');
    expect(reasonFor(path.join(file, 'below'))).toBe('a part of the path is not a directory');
    expect(fileErrorReason(Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' }))).toBe('permission denied');
    expect(fileErrorReason(Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' }))).toBe('EMFILE: too many open files');
    expect(fileErrorReason(new Error('plain'))).toBe('plain');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
