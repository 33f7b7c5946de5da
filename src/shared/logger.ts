import winston from 'winston';

export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

// Text for people: `time level message key=value ...`; JSON for machines.
const textFormat = winston.format.printf(({ timestamp, level, message, ...fields }) => {
  const extras = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' && !/\s|"/.test(value) ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${timestamp} ${level.toUpperCase().padEnd(5)} ${message}${extras ? ` ${extras}` : ''}`;
});

/** A logger writing one event per line to stdout, as a 12-factor event stream. */
export function createLogger(options: { format: LogFormat; level: LogLevel }): winston.Logger {
  return winston.createLogger({
    level: options.level,
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      winston.format.timestamp(),
      options.format === 'json' ? winston.format.json() : textFormat,
    ),
    transports: [new winston.transports.Console()],
  });
}

export type Logger = winston.Logger;

/**
 * Ignores errors on the log stream (EPIPE when the reader of stdout went away):
 * losing log lines is the collector's problem, losing every in-memory user is ours.
 * Without a listener, the stream's 'error' event would crash the process.
 */
export function ignoreLogStreamErrors(stream: NodeJS.EventEmitter = process.stdout): void {
  stream.on('error', () => undefined);
}
