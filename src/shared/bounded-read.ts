import { closeSync, openSync, readSync } from 'node:fs';

/**
 * A file or stream holding more than its reader accepts. Its `code` lets
 * fileErrorReason put it in one line, like ENOENT: "larger than 1 MiB".
 */
export class TooLargeError extends Error {
  readonly code = 'EFBIG';

  constructor(readonly maxBytes: number) {
    super(`larger than ${maxBytes % MiB === 0 ? `${maxBytes / MiB} MiB` : `${maxBytes} bytes`}`);
  }
}

const MiB = 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

/**
 * The bytes of a file, read in chunks and given up past `maxBytes`: a file named
 * by a setting may be /dev/zero, a pipe that never ends, or 300 MB, and the
 * whole of it must not become one Buffer first.
 */
export function readFileUpTo(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) throw new TooLargeError(maxBytes);
    }
  } finally {
    closeSync(fd);
  }
}

/** readFileUpTo for a stream (stdin): the bytes joined once, so that no UTF-8 character is cut at a chunk's end. */
export async function readStreamUpTo(stream: AsyncIterable<Buffer | string>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(bytes);
    total += bytes.length;
    if (total > maxBytes) throw new TooLargeError(maxBytes);
  }
  return Buffer.concat(chunks, total);
}
