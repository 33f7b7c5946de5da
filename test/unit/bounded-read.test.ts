import { Readable } from 'node:stream';
import { readFileUpTo, readStreamUpTo, TooLargeError } from '../../src/shared/bounded-read';
import { fileErrorReason } from '../../src/shared/file-error-reason';
import { makeTempDir, type TempDir } from '../support/temp-dir';

let dir: TempDir;
beforeEach(() => (dir = makeTempDir()));
afterEach(() => dir.cleanup());

const reasonOf = (read: () => unknown): string => {
  try {
    read();
  } catch (error) {
    return fileErrorReason(error);
  }
  throw new Error('read did not fail');
};

describe('readFileUpTo', () => {
  test('a file up to the limit is read whole, also across several chunks', () => {
    const content = Buffer.alloc(200_000, 'x');
    expect(readFileUpTo(dir.write('at-limit', content.toString()), 200_000)).toEqual(content);
    expect(readFileUpTo(dir.write('empty', ''), 10)).toEqual(Buffer.alloc(0));
  });

  test('one byte more is refused, in one line', () => {
    expect(reasonOf(() => readFileUpTo(dir.write('over', 'x'.repeat(200_001)), 200_000))).toBe('larger than 200000 bytes');
    expect(reasonOf(() => readFileUpTo(dir.write('over-mib', 'x'.repeat(1024 * 1024 + 1)), 1024 * 1024))).toBe('larger than 1 MiB');
  });

  test('a file without end (/dev/zero) is refused once past the limit', () => {
    expect(reasonOf(() => readFileUpTo('/dev/zero', 1024 * 1024))).toBe('larger than 1 MiB');
  });

  test('a missing file and a directory keep their reasons', () => {
    expect(reasonOf(() => readFileUpTo(`${dir.path}/missing`, 10))).toBe('no such file');
    expect(reasonOf(() => readFileUpTo(dir.path, 10))).toBe('is a directory');
  });
});

describe('readStreamUpTo', () => {
  test('the chunks are joined before decoding: a UTF-8 character split between two chunks stays whole', async () => {
    const bytes = Buffer.from('José');
    const stream = Readable.from([bytes.subarray(0, 4), bytes.subarray(4)]);
    expect((await readStreamUpTo(stream, 100)).toString('utf8')).toBe('José');
  });

  test('past the limit: a TooLargeError saying it', async () => {
    const stream = Readable.from([Buffer.alloc(60), Buffer.alloc(60)]);
    await expect(readStreamUpTo(stream, 100)).rejects.toEqual(new TooLargeError(100));
    await expect(readStreamUpTo(Readable.from([Buffer.alloc(60)]), 100)).resolves.toHaveLength(60);
  });
});
