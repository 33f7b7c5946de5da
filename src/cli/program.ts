import yargs, { type Argv } from 'yargs';
import { ConfigError } from '../shared/config-error';
import { callError, CliError } from './cli-error';
import type { CliCommand } from './command';
import { createCommand } from './commands/create';
import { getCommand } from './commands/get';
import { healthCommand } from './commands/health';
import { listCommand } from './commands/list';
import { searchCommand } from './commands/search';
import { versionCommand } from './commands/version';
import {
  CLI_DEFAULTS,
  COLOR_MODES,
  OUTPUT_FORMATS,
  resolveConnectionConfig,
  resolveOutputConfig,
  type CliEnvironment,
  type ConnectionConfig,
  type OutputConfig,
  type RawArgs,
} from './config';
import { openConnection, type Connection } from './connection';
import { Output, type TextSink } from './output';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Everything users-cli touches outside itself, so that tests can run it in-process. */
export interface CliIo extends CliEnvironment {
  argv: string[];
  stdout: TextSink;
  stderr: TextSink;
  /** Opens the connection to the server; tests may substitute their own. */
  connect?: (config: ConnectionConfig) => Connection;
}

const COMMANDS: CliCommand[] = [createCommand, getCommand, listCommand, searchCommand, healthCommand, versionCommand] as CliCommand[];

const ADDRESS_PRECEDENCE =
  'Server address, the first one given of:\n' +
  '  1. --address\n' +
  '  2. the environment variable ADDRESS\n' +
  `  3. "address: HOST:PORT" in the config file (--config, default ${CLI_DEFAULTS.configFile})\n` +
  `  4. ${CLI_DEFAULTS.address}`;

/** Runs users-cli with these arguments; resolves to the exit code. */
export async function runCli(io: CliIo): Promise<number> {
  let selected: { command: CliCommand; args: RawArgs } | undefined;
  let yargsOutput = '';
  try {
    await buildParser((command, args) => (selected = { command, args })).parseAsync(io.argv, {}, (_error, _args, output) => {
      yargsOutput = output;
    });
  } catch (error) {
    return reportError(io, error, io.argv.includes('-v') || io.argv.includes('--verbose'));
  }
  // --help, help, completion: yargs wrote its text instead of choosing a command.
  if (!selected) {
    if (yargsOutput) io.stdout.write(`${yargsOutput}\n`);
    return EXIT.ok;
  }
  const { command, args } = selected;
  let config: OutputConfig | undefined;
  try {
    config = resolveOutputConfig(args, io);
    const output = new Output(config, io.stdout);
    const input = command.input(args);
    if (command.kind === 'local') {
      command.run(output, input);
      return EXIT.ok;
    }
    const connectionConfig = resolveConnectionConfig(args, io);
    if (config.verbose) io.stderr.write(`users-cli: debug: ${describeConnection(connectionConfig)}\n`);
    const connection = (io.connect ?? openConnection)(connectionConfig);
    try {
      return (await command.run(connection, output, input)) ?? EXIT.ok;
    } catch (error) {
      throw callError(error, connectionConfig);
    } finally {
      connection.close();
    }
  } catch (error) {
    return reportError(io, error, config?.verbose ?? args.verbose === true);
  }
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

function describeConnection(config: ConnectionConfig): string {
  const tls = config.tls
    ? `TLS (${config.tls.ca ? 'CA from --cacert' : 'system CAs'}${config.tls.clientCert ? ', client certificate' : ''}${config.tls.serverName ? `, server name ${config.tls.serverName}` : ''})`
    : 'plaintext';
  return `address ${config.address} (from ${config.addressSource}), ${tls}, timeout ${config.timeoutText}`;
}

/** The yargs program: it only tokenises and documents; config.ts validates. */
function buildParser(select: (command: CliCommand, args: RawArgs) => void): Argv {
  const parser = yargs()
    .scriptName('users-cli')
    .usage('$0 <command> [flags]\n\nA client for users-server, the gRPC user directory (user.UserService).')
    .options({
      address: { type: 'string', describe: 'host:port of users-server (see below)', defaultDescription: CLI_DEFAULTS.address },
      config: { type: 'string', describe: 'YAML file with "address: HOST:PORT"', defaultDescription: CLI_DEFAULTS.configFile },
      timeout: { type: 'string', describe: 'call deadline: 500ms, 10s, 2m; a bare number is seconds', defaultDescription: CLI_DEFAULTS.timeout },
      tls: { type: 'boolean', describe: 'use TLS; implied by --cacert, --cert, --key, --servername' },
      cacert: { type: 'string', describe: 'CA certificate (PEM) to verify the server with', defaultDescription: 'system CAs' },
      cert: { type: 'string', describe: 'client certificate (PEM) for mTLS, with --key' },
      key: { type: 'string', describe: 'private key (PEM) of --cert' },
      servername: { type: 'string', describe: 'name to verify the server certificate against', defaultDescription: 'host of --address' },
      cleartext: { type: 'boolean', describe: 'plaintext, the default (kept for the Go users-cli)' },
      output: { alias: 'o', type: 'string', describe: `output format: ${OUTPUT_FORMATS.join(' or ')}`, defaultDescription: 'text' },
      color: { type: 'string', describe: `${COLOR_MODES.join(', ')}; auto: when stdout is a terminal and NO_COLOR is unset`, defaultDescription: 'auto' },
      verbose: { alias: 'v', type: 'boolean', describe: 'debug detail on stderr: connection, gRPC codes, stacks' },
    })
    .group(['address', 'config', 'timeout', 'tls', 'cacert', 'cert', 'key', 'servername', 'cleartext'], 'Connection:')
    .group(['output', 'color', 'verbose', 'help'], 'Output:')
    .epilogue(ADDRESS_PRECEDENCE)
    .completion('completion', 'print a bash/zsh completion script (users-cli completion >> ~/.bashrc)')
    .demandCommand(1, 'a command is needed')
    .strict()
    .version(false)
    .help()
    .alias('h', 'help')
    .wrap(100)
    .exitProcess(false)
    .parserConfiguration({ 'camel-case-expansion': false, 'duplicate-arguments-array': false })
    .fail((message, error) => {
      throw error instanceof ConfigError ? error : new ConfigError(`${lowerFirst(message ?? error?.message ?? 'bad arguments')} (see --help)`);
    });
  for (const command of COMMANDS) {
    parser.command(command.command, command.describe, command.builder ?? {}, (args) => select(command, args));
  }
  return parser;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
