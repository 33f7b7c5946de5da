import { ConfigError } from '../shared/config-error';
import type { RawArgs } from './args';
import { CliError, StatusError } from './cli-error';
import type { CliCommand, CommandContext } from './command';
import { COMMANDS } from './commands';
import { complete } from './completion';
import type { Connection } from './connection';
import { Output, type TextSink, type YamlStringify } from './output';
import { buildParser, type Selection } from './parser';
import { resolveLocalOutput, resolveSettings, type CliEnvironment, type ConnectionConfig, type OutputConfig } from './settings';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Everything users-cli touches outside itself, so that tests can run it in-process. */
export interface CliIo extends CliEnvironment {
  argv: string[];
  stdout: TextSink;
  stderr: TextSink;
  /** All of stdin (create --from-file -). */
  readStdin?: () => Promise<string>;
  /** Opens the connection to the server; tests may substitute their own. */
  connect?: (config: ConnectionConfig) => Connection;
}

/** Runs users-cli with these arguments; resolves to the exit code. */
export async function runCli(io: CliIo): Promise<number> {
  let argv = normaliseArgv(io.argv);
  // What the completion scripts call on every TAB: no yargs, no config file.
  if (argv[0] === '__complete') {
    io.stdout.write(complete(COMMANDS, argv[1] ?? 'bash', argv.slice(2)));
    return EXIT.ok;
  }
  // --version and -V before any command: yargs would ask for a command first.
  if (argv.some((word) => word === '--version' || word === '-V') && !argv.some((word) => COMMANDS.some((command) => command.name === word) || word === 'help')) {
    argv = ['version', ...argv.filter((word) => word !== '--version' && word !== '-V')];
  }
  let selected: Selection | undefined;
  let yargsOutput = '';
  try {
    const parser = buildParser(COMMANDS, argv, io.columns ?? 80, (selection) => (selected = selection));
    await parser.parseAsync(argv, {}, (_error, _args, output) => {
      yargsOutput = output;
    });
  } catch (error) {
    return reportError(io, error, argv.includes('-v') || argv.includes('--verbose'));
  }
  const selection = selected as Selection | undefined;
  if (selection && 'help' in selection) return runCli({ ...io, argv: [...selection.help, '--help'] });
  if (!selection) {
    // --help and --version: yargs chose no command.
    if (yargsOutput) io.stdout.write(`${yargsOutput}\n`);
    return EXIT.ok;
  }
  return runCommand(io, argv, selection.command, selection.args);
}

async function runCommand(io: CliIo, argv: string[], command: CliCommand, args: RawArgs): Promise<number> {
  const context: CommandContext = { argv, env: io.env, stderr: io.stderr, readStdin: io.readStdin ?? (() => Promise.resolve('')) };
  let outputConfig: OutputConfig | undefined;
  try {
    if (command.kind === 'local') {
      outputConfig = resolveLocalOutput(args, io);
      const input = await command.input(args, context);
      return command.run(new Output(outputConfig, io.stdout, await yamlFor(outputConfig)), input, context) ?? EXIT.ok;
    }
    const input = await command.input(args, context);
    const settings = await resolveSettings(args, io);
    outputConfig = settings.output;
    if (outputConfig.verbose) for (const line of settings.debug) io.stderr.write(`users-cli: debug: ${line}\n`);
    const output = new Output(outputConfig, io.stdout, await yamlFor(outputConfig));
    // gRPC and TLS code loads here, for the commands that call the server only.
    const connect = io.connect ?? (await import('./connection')).openConnection;
    const connection = connect(settings.connection);
    try {
      return (await command.run(connection, output, input, context)) ?? EXIT.ok;
    } catch (error) {
      throw error instanceof StatusError && command.fieldFlags ? error.withFieldNames(command.fieldFlags) : error;
    } finally {
      connection.close();
    }
  } catch (error) {
    return reportError(io, error, outputConfig?.verbose ?? args.verbose === true);
  }
}

async function yamlFor(config: OutputConfig): Promise<YamlStringify | undefined> {
  return config.format === 'yaml' ? (await import('yaml')).stringify : undefined;
}

/**
 * `-ojson` (kubectl style) is `-o json`, which yargs would read as -o -j -s
 * -o -n; and `--from-file -` is `--from-file=-`, which yargs would read as a
 * flag without a value followed by an argument.
 */
function normaliseArgv(argv: string[]): string[] {
  const words: string[] = [];
  for (const word of argv) {
    const previous = words[words.length - 1];
    if (word === '-' && previous?.startsWith('--') && !previous.includes('=')) words[words.length - 1] = `${previous}=-`;
    else if (/^-o[^=-]/.test(word)) words.push('-o', word.slice(2));
    else words.push(word);
  }
  return words;
}

/** One line on stderr; the debug detail (gRPC codes, stacks) only with -v. */
function reportError(io: CliIo, error: unknown, verbose: boolean): number {
  if (error instanceof ConfigError) {
    io.stderr.write(`users-cli: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof CliError) {
    io.stderr.write(`users-cli: ${error.message}\n`);
    if (verbose) for (const line of error.debug) io.stderr.write(`users-cli: debug: ${line}\n`);
    return EXIT.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`users-cli: unexpected error: ${message.split('\n')[0]}\n`);
  if (verbose && error instanceof Error && error.stack) io.stderr.write(`users-cli: debug: ${error.stack}\n`);
  return EXIT.failure;
}
