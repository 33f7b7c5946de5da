import type { Argv } from 'yargs';
import type { RawArgs } from './config';
import type { Connection } from './connection';
import type { Output } from './output';

/** A users-cli command: yargs describes it, config.ts validates its input, `run` does the work. */
interface CommandBase<Input> {
  /** yargs command syntax, e.g. `get [email]`. */
  command: string;
  describe: string;
  builder?: (yargs: Argv) => Argv;
  /** Validates the parsed arguments into typed input; throws ConfigError (exit 2). */
  input: (args: RawArgs) => Input;
}

/** Works without the server (e.g. `version`). */
export interface LocalCommand<Input> extends CommandBase<Input> {
  kind: 'local';
  run: (output: Output, input: Input) => void;
}

/** Calls users-server; resolves to its exit code (0 when it returns nothing). */
export interface RemoteCommand<Input> extends CommandBase<Input> {
  kind: 'remote';
  run: (connection: Connection, output: Output, input: Input) => Promise<number | void>;
}

export type CliCommand<Input = unknown> = LocalCommand<Input> | RemoteCommand<Input>;
