import { Writable } from 'node:stream';
import winston from 'winston';
import type { Logger } from '../../src/shared/logger';

/** A logger that keeps its lines in memory, for asserting on them. */
export function memoryLogger(level = 'debug'): Logger & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = winston.createLogger({
    level,
    transports: [
      new winston.transports.Stream({
        stream: new Writable({
          objectMode: true,
          write(info: Record<string, unknown>, _enc: string, done: () => void) {
            lines.push(info);
            done();
          },
        }),
      }),
    ],
  });
  return Object.assign(logger, { lines });
}
