import { flagOn, type RawArgs } from './args';
import type { CliCommand, CommandContext } from './command';
import { COMMANDS } from './commands';
import { complete } from './completion';
import { loadYaml } from './load-yaml';
import type { Connection } from './connection';
import { Output, type TextSink } from './output';
import { buildParser, SELECTED, type Selection } from './parser';
import { EXIT, reportError } from './report-error';
import { resolveLocalOutput, resolveSettings, type CliEnvironment, type ConnectionConfig } from './settings';

export { EXIT } from './report-error';

/** Everything users-cli touches outside itself, so that tests can run it in-process. */
export interface CliIo extends CliEnvironment {
  argv: string[];
  stdout: TextSink;
  stderr: TextSink;
  /** All of stdin as UTF-8 (create --from-file -); a TooLargeError past `maxBytes`. */
  readStdin?: (maxBytes: number) => Promise<string>;
  /** Opens the connection to the server; tests may substitute their own. */
  connect?: (config: ConnectionConfig) => Connection;
}

/** Runs users-cli with these arguments; resolves to the exit code. */
export async function runCli(io: CliIo): Promise<number> {
  // What the completion scripts call on every TAB: no yargs, no config file,
  // and the words as typed (normalised, `-oj` would be completed as `j`).
  if (io.argv[0] === '__complete') {
    io.stdout.write(complete(COMMANDS, io.argv[1] ?? 'bash', io.argv.slice(2)));
    return EXIT.ok;
  }
  let argv = normaliseArgv(io.argv);
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
    if (error !== SELECTED) return reportError(io.stderr, error, argv.includes('-v') || argv.includes('--verbose'));
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
  let verbose = flagOn(args, 'verbose') === true;
  try {
    if (command.kind === 'local') {
      const outputConfig = resolveLocalOutput(args, io);
      const input = await command.input(args, context);
      const yaml = outputConfig.format === 'yaml' ? loadYaml().stringify : undefined;
      return command.run(new Output(outputConfig, io.stdout, yaml), input, context) ?? EXIT.ok;
    }
    const input = await command.input(args, context);
    const settings = await resolveSettings(args, io);
    verbose = settings.output.verbose;
    if (verbose) for (const line of settings.debug) io.stderr.write(`users-cli: debug: ${line}\n`);
    // gRPC and TLS code loads here, for the commands that call the server only
    // (dist/users-cli-remote.js). require, not import(): the bundles run as
    // CommonJS, compiled through the compile cache (compile-cache.ts).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runRemote } = require('./remote') as typeof import('./remote');
    return await runRemote(io, command.name, input, settings, context);
  } catch (error) {
    return reportError(io.stderr, error, verbose);
  }
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
