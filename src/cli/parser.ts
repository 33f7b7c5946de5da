import type { Argv } from 'yargs';
// The factory alone: the package's main module also builds a singleton parser of process.argv, unused here.
import yargs from 'yargs/yargs';
import { ConfigError } from '../shared/config-error';
import { quote } from '../shared/quote';
import type { RawArgs } from './args';
import type { CliCommand } from './command';
import { didYouMean } from '../shared/did-you-mean';
import { CONFIG_FILE_KEYS, CONNECTION_OPTIONS, GLOBAL_OPTIONS, OUTPUT_OPTIONS, type CliOption } from './global-options';

// The yargs program: it tokenises, checks choices and flag relations, and
// writes the help; commands validate values into typed input.

/**
 * Thrown by a command's yargs handler once the command is chosen: yargs then
 * stops, instead of laying out the command's help text to keep for later
 * (its cacheHelpMessage), a good part of its time for a command that runs.
 */
export const SELECTED = new Error('command selected');
export type Selection = { command: CliCommand; args: RawArgs } | { help: string[] };

const ROOT_DESCRIPTION = 'A client for users-server, the gRPC user directory (user.UserService).';

const VARIABLES = Object.values(GLOBAL_OPTIONS).flatMap((option) => (option.env ? [option.env] : []));

const EPILOGUE = `Each setting comes from the first of: its flag; its environment variable; the config file; the default. -v shows which.
  Variables: ${VARIABLES.filter((name) => !name.startsWith('USERS_CLI_')).join(', ')} (as the Go users-cli); ${VARIABLES.filter((name) => name.startsWith('USERS_CLI_')).join(', ')}.
  Config file: --config, else ~/.users-cli.yaml, else ~/.users-cli.yml. Its keys are the flag names: ${CONFIG_FILE_KEYS.join(', ')}.

Exit codes:
  0  success (health: SERVING)
  1  the call failed, a user was not found, or the server is not SERVING
  2  bad flags or flag values, arguments, variables or config file`;

/** Every option of a command, plus the root's, for unknown-flag messages. */
function knownFlags(command: CliCommand | undefined): string[] {
  const options: Record<string, CliOption> = { ...GLOBAL_OPTIONS, ...(command?.options ?? {}) };
  const names = Object.entries(options).flatMap(([name, option]) => [name, ...(option.alias ? [String(option.alias)] : [])]);
  return [...names, 'help', 'h', 'no-headers', 'no-color', ...(command ? [] : ['version', 'V'])];
}

export function buildParser(commands: readonly CliCommand[], argv: readonly string[], columns: number, select: (selection: Selection) => void): Argv {
  const commandOf = () => commands.find((command) => argv.includes(command.name));
  const parser = yargs()
    .scriptName('users-cli')
    .usage(`$0 <command> [flags]\n\n${ROOT_DESCRIPTION}`)
    .version(false)
    .options(local(CONNECTION_OPTIONS))
    .options(local(OUTPUT_OPTIONS))
    .option('version', { alias: 'V', type: 'boolean', describe: 'print the version', global: false })
    .group(Object.keys(CONNECTION_OPTIONS), 'Connection flags:')
    .group(Object.keys(OUTPUT_OPTIONS), 'Output flags:')
    .group(['help', 'version'], 'Flags:')
    .epilogue(EPILOGUE)
    .demandCommand(1, 'a command is needed')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .wrap(columns)
    .exitProcess(false)
    .parserConfiguration({ 'camel-case-expansion': false })
    .fail((message, error) => {
      throw error instanceof ConfigError ? error : new ConfigError(usageMessage(message ?? error?.message ?? 'bad arguments', argv, commands, commandOf()));
    });
  for (const command of commands) {
    parser.command(
      command.positionals ? `${command.name} ${command.positionals}` : command.name,
      command.describe,
      (y) => describeCommand(y, command),
      (args) => {
        select({ command, args });
        throw SELECTED;
      },
    );
  }
  parser.command(
    'help [command]',
    'show help for a command',
    (y) => y.positional('command', { type: 'string', describe: 'a command' }).options(local(GLOBAL_OPTIONS)).example('$0 help create', ''),
    (args) => {
      const name = args.command as string | undefined;
      if (name !== undefined && !commands.some((command) => command.name === name)) {
        throw new ConfigError(`unknown command ${quote(name)}${didYouMean(name, commands.map((command) => command.name))} (see --help)`);
      }
      select({ help: name === undefined ? [] : [name] });
    },
  );
  return parser;
}

/** The command's own flags first, then the global ones under their heading, then examples. */
function describeCommand(y: Argv, command: CliCommand): Argv {
  const own = Object.keys(command.options ?? {});
  let described = command.configure ? command.configure(y) : y;
  // 'Flags:' exists from the root (with --help): the command's own join it, first.
  described = described.options(command.options ?? {}).group(own, 'Flags:');
  if (command.kind === 'local') {
    // Accepted (a shell alias may carry --address), but not shown: they do nothing here.
    return withExamples(described.options(local(CONNECTION_OPTIONS, true)).options(local(OUTPUT_OPTIONS)).group(Object.keys(OUTPUT_OPTIONS), 'Global flags:'), command);
  }
  described = described.options(local(GLOBAL_OPTIONS)).group(Object.keys(GLOBAL_OPTIONS), 'Global flags:');
  return withExamples(described, command);
}

function withExamples(y: Argv, command: CliCommand): Argv {
  let described = y;
  for (const [example, describe] of command.examples) described = described.example(example, describe);
  return described;
}

/** Global flags are declared again in each command, so that help lists them after the command's own. */
function local(options: Record<string, CliOption>, hidden = false): Record<string, CliOption> {
  return Object.fromEntries(Object.entries(options).map(([name, { completeFiles: _files, env: _env, fileKey: _fileKey, ...option }]) => [name, { ...option, global: false, hidden }]));
}

/** yargs' messages, reworded to name flags as typed and suggest what was meant. */
function usageMessage(message: string, argv: readonly string[], commands: readonly CliCommand[], command: CliCommand | undefined): string {
  const names = commands.map((c) => c.name).concat('help');
  const firstWord = argv.find((word) => !word.startsWith('-'));
  if (/^Did you mean /.test(message) || (/^Unknown argument/.test(message) && !command && firstWord !== undefined && !names.includes(firstWord) && !unknownFlag(argv, command))) {
    return `unknown command ${quote(firstWord ?? '')}${didYouMean(firstWord ?? '', names)} (see --help)`;
  }
  if (/^Unknown argument/.test(message)) {
    const flag = unknownFlag(argv, command);
    if (flag) {
      const suggestion = didYouMean(flag.name, knownFlags(command).filter((name) => name.length > 1), (name) => `--${name}`);
      return `unknown flag ${flag.typed}${suggestion} (see${command ? ` users-cli ${command.name}` : ''} --help)`;
    }
    return `${lowerFirst(message)} (see --help)`;
  }
  if (/^Not enough non-option arguments/.test(message)) {
    if (!command) return 'a command is needed (see --help)';
    return `${command.name} needs ${command.positionals?.replace(/[<>]|\.\./g, '').toUpperCase()} (see users-cli ${command.name} --help)`;
  }
  const conflict = /^Arguments (\S+) and (\S+) are mutually exclusive/.exec(message);
  if (conflict) return `--${conflict[1]} cannot be combined with --${conflict[2]}`;
  const dependent = /^(?:Missing dependent arguments|Implications failed):\s*(\S+) -> (\S+)/.exec(message);
  if (dependent) return `--${dependent[1]} needs --${dependent[2]} too`;
  const choice = /^Invalid values:\s*Argument: (\S+), Given: (".*"|\S+), Choices: (.*)$/s.exec(message);
  if (choice) return `invalid ${choice[1] === 'shell' ? 'shell' : `--${choice[1]}`} ${choice[2]}: allowed values are ${choice[3].replace(/"/g, '')}`;
  return `${lowerFirst(message.replace(/\s*\n\s*/g, ' '))} (see --help)`;
}

/** The first flag in argv that the command does not know: its name, and as typed (its dashes, not its value). */
function unknownFlag(argv: readonly string[], command: CliCommand | undefined): { name: string; typed: string } | undefined {
  const known = knownFlags(command);
  for (const word of argv) {
    if (word === '--') break;
    if (!word.startsWith('-') || word === '-') continue;
    const name = word.replace(/^--?/, '').replace(/=.*$/, '');
    const plain = name.replace(/^no-/, '');
    const long = word.startsWith('--');
    if (long ? !known.includes(name) && !known.includes(plain) : ![...name].every((letter) => known.includes(letter))) return { name, typed: `${long ? '--' : '-'}${name}` };
  }
  return undefined;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
