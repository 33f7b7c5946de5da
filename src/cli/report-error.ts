import { ConfigError } from '../shared/config-error';
import { CliError, StatusError } from './cli-error';
import type { TextSink } from './output';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** One line on stderr; the debug detail (gRPC codes, stacks) only with -v. Returns the exit code. */
export function reportError(stderr: TextSink, error: unknown, verbose: boolean): number {
  if (error instanceof ConfigError) {
    stderr.write(`users-cli: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof CliError) {
    stderr.write(`users-cli: ${error.message}\n`);
    if (verbose) for (const line of error.debug) stderr.write(`users-cli: debug: ${line}\n`);
    return error instanceof StatusError && error.namesFlag ? EXIT.usage : EXIT.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`users-cli: unexpected error: ${message.split('\n')[0]}\n`);
  if (verbose && error instanceof Error && error.stack) stderr.write(`users-cli: debug: ${error.stack}\n`);
  return EXIT.failure;
}
