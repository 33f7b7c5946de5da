import type { Argv } from 'yargs';
import type { RawArgs } from './args';
import type { Connection } from './connection';
import type { CliOption } from './global-options';
import type { Output, TextSink } from './output';

/** What a command may read or write besides its output: stdin (create --from-file -), stderr (per-item failures). */
export interface CommandContext {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stderr: TextSink;
  readStdin: (maxBytes: number) => Promise<string>;
}

/** A users-cli command: its flags, help, input validation and work, in one file. */
interface CommandBase<Input> {
  name: string;
  /** Positionals after the name, in yargs syntax: `<email..>`. */
  positionals?: string;
  describe: string;
  /** The command's own flags, shown first in its help and offered by completion. */
  options?: Record<string, CliOption>;
  examples: Array<[string, string]>;
  /** Relations yargs checks: .positional, .conflicts, .implies. */
  configure?: (yargs: Argv) => Argv;
  /** Validates the parsed arguments into typed input; throws ConfigError (exit 2). */
  input: (args: RawArgs, context: CommandContext) => Input | Promise<Input>;
}

/** Works without the server (`version`, `completion`): never reads the config file. */
export interface LocalCommand<Input> extends CommandBase<Input> {
  kind: 'local';
  run: (output: Output, input: Input, context: CommandContext) => number | void;
}

/** Calls users-server; resolves to its exit code (0 when it returns nothing). */
export interface RemoteCommand<Input> extends CommandBase<Input> {
  kind: 'remote';
  /** Request field paths (`user.age`) as the flags that set them (`--age`), for the server's messages. */
  fieldFlags?: Record<string, string>;
  run: (connection: Connection, output: Output, input: Input, context: CommandContext) => Promise<number | void>;
}

export type CliCommand<Input = unknown> = LocalCommand<Input> | RemoteCommand<Input>;
