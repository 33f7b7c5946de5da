import { goStyleFlags } from './config';

/**
 * The one line users-server prints when it cannot start. Under --logfmt=json
 * (or LOG_FORMAT=json) it is a JSON object like every other line, so that a log
 * pipeline never meets plain text; the format is read from the raw arguments
 * because the failure may be that the configuration did not parse.
 */
export function startupFailureLine(message: string, json: boolean, now: Date = new Date()): string {
  const text = `users-server: ${message}`;
  return json ? `${JSON.stringify({ level: 'error', message: text, timestamp: now.toISOString() })}\n` : `${text}\n`;
}

/** Whether JSON logs were asked for: the last --logfmt flag (or Go's -logfmt), else LOG_FORMAT, as the settings table reads them. */
export function jsonLogsRequested(rawArgv: string[], env: NodeJS.ProcessEnv): boolean {
  const argv = goStyleFlags(rawArgv);
  let flag: string | undefined;
  argv.forEach((arg, index) => {
    if (arg.startsWith('--logfmt=')) flag = arg.slice('--logfmt='.length);
    else if (arg === '--logfmt') flag = argv[index + 1];
  });
  return (flag ?? env.LOG_FORMAT) === 'json';
}
