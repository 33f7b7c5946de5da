import type { Options } from 'yargs';

// The flags every command takes, declared once, each with its variable and
// whether the config file may hold it: yargs parses and documents them,
// settings.ts resolves them against the environment and the config file,
// config-file.ts knows its keys from them, completion.ts offers them.

export const OUTPUT_FORMATS = ['text', 'json', 'jsonl', 'yaml', 'table'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const COLOR_MODES = ['auto', 'always', 'never'] as const;

export const CLI_DEFAULTS = {
  address: 'localhost:8000',
  timeout: '10s',
  output: 'text',
  color: 'auto',
} as const;

/** A yargs option, plus what completion offers for its value and where else the setting may come from. */
export type CliOption = Options & {
  /** Completion offers file names for the value. */
  completeFiles?: boolean;
  /** The environment variable the flag falls back to (the Go users-cli's name where it had one). */
  env?: string;
  /** Read from the config file too, under the flag's name. */
  fileKey?: true;
};

/** A flag that falls back to the variable `env`; `(env X)` ends its description. */
function fromEnv<const T extends CliOption>(env: string, option: T): T & { env: string } {
  return { ...option, env, describe: `${option.describe} (env ${env})` };
}

/** A flag that falls back to the variable `env`, then to the config file's key of its name. */
function fromEnvAndFile<const T extends CliOption>(env: string, option: T): T & { env: string; fileKey: true } {
  return { ...fromEnv(env, option), fileKey: true };
}

export const CONNECTION_OPTIONS = {
  address: fromEnvAndFile('ADDRESS', { type: 'string', describe: 'host:port of users-server', defaultDescription: CLI_DEFAULTS.address }),
  config: fromEnv('USERS_CLI_CONFIG', { type: 'string', describe: 'YAML config file', defaultDescription: '~/.users-cli.yaml or .yml', completeFiles: true }),
  timeout: fromEnvAndFile('USERS_CLI_TIMEOUT', { type: 'string', describe: 'call deadline: 500ms, 10s, 2m; a bare number is seconds', defaultDescription: CLI_DEFAULTS.timeout }),
  tls: fromEnvAndFile('USERS_CLI_TLS', { type: 'boolean', describe: 'use TLS; implied by --cacert, --cert, --key, --servername, --cleartext=false' }),
  cleartext: fromEnvAndFile('CLEARTEXT', { type: 'boolean', describe: 'plaintext (h2c), as in the Go CLI; the default unless TLS is asked for' }),
  cacert: fromEnvAndFile('CACERT', { type: 'string', describe: 'CA certificate (PEM) to verify the server with', defaultDescription: 'system CAs', completeFiles: true }),
  cert: fromEnvAndFile('USERS_CLI_CERT', { type: 'string', describe: 'client certificate (PEM) for mTLS, with --key', completeFiles: true }),
  key: fromEnvAndFile('USERS_CLI_KEY', { type: 'string', describe: 'private key (PEM) of --cert', completeFiles: true }),
  servername: fromEnvAndFile('SERVERNAME', { type: 'string', describe: 'name to verify the server certificate against', defaultDescription: 'host of --address' }),
} satisfies Record<string, CliOption>;

export const OUTPUT_OPTIONS = {
  output: fromEnvAndFile('USERS_CLI_OUTPUT', { alias: 'o', type: 'string', choices: OUTPUT_FORMATS, describe: 'output format', defaultDescription: CLI_DEFAULTS.output }),
  headers: { type: 'boolean', describe: 'column headers in -o table; --no-headers drops them', defaultDescription: 'true' },
  // A bare --color means always, --no-color never.
  color: fromEnvAndFile('COLOR', {
    type: 'string',
    choices: COLOR_MODES,
    coerce: (value: unknown) => (value === '' || value === true ? 'always' : value === false ? 'never' : value),
    describe: 'auto: when stdout is a terminal, NO_COLOR is unset and TERM is not dumb',
    defaultDescription: CLI_DEFAULTS.color,
  }),
  quiet: { alias: 'q', type: 'boolean', describe: 'print nothing on success (errors still go to stderr)' },
  verbose: { alias: 'v', type: 'boolean', describe: 'debug detail on stderr: where each setting came from, gRPC codes, stacks' },
} satisfies Record<string, CliOption>;

export const GLOBAL_OPTIONS: Record<string, CliOption> = { ...CONNECTION_OPTIONS, ...OUTPUT_OPTIONS };

type Globals = typeof CONNECTION_OPTIONS & typeof OUTPUT_OPTIONS;
/** The settings the config file may hold: the flags that have `fileKey`. */
export type ConfigFileKey = { [K in keyof Globals]: Globals[K] extends { fileKey: true } ? K : never }[keyof Globals];

/** The config file's keys, in the order of the flags. */
export const CONFIG_FILE_KEYS = Object.keys(GLOBAL_OPTIONS).filter((key) => GLOBAL_OPTIONS[key].fileKey) as ConfigFileKey[];

/** The variable each config-file setting falls back to. */
export const SETTING_ENV = Object.fromEntries(CONFIG_FILE_KEYS.map((key) => [key, GLOBAL_OPTIONS[key].env!])) as Record<ConfigFileKey, string>;

/** The variable that names the config file. */
export const CONFIG_ENV = CONNECTION_OPTIONS.config.env;

/** How a setting may be given, for messages: `--key, USERS_CLI_KEY or key in the config file`. */
export function waysToGive(key: ConfigFileKey): string {
  return `--${key}, ${SETTING_ENV[key]} or ${key} in the config file`;
}
