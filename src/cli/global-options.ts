import type { Options } from 'yargs';

// The flags every command takes, declared once: yargs parses and documents
// them, settings.ts resolves them against the environment and the config
// file, completion.ts offers them.

export const OUTPUT_FORMATS = ['text', 'json', 'jsonl', 'yaml', 'table'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const COLOR_MODES = ['auto', 'always', 'never'] as const;

export const CLI_DEFAULTS = {
  address: 'localhost:8000',
  timeout: '10s',
  output: 'text',
  color: 'auto',
} as const;

/** A yargs option, plus what completion offers for its value. */
export type CliOption = Options & {
  /** Completion offers file names for the value. */
  completeFiles?: boolean;
};

export const CONNECTION_OPTIONS: Record<string, CliOption> = {
  address: { type: 'string', describe: 'host:port of users-server (env ADDRESS)', defaultDescription: CLI_DEFAULTS.address },
  config: { type: 'string', describe: 'YAML config file (env USERS_CLI_CONFIG)', defaultDescription: '~/.users-cli.yaml or .yml', completeFiles: true },
  timeout: { type: 'string', describe: 'call deadline: 500ms, 10s, 2m; a bare number is seconds (env USERS_CLI_TIMEOUT)', defaultDescription: CLI_DEFAULTS.timeout },
  tls: { type: 'boolean', describe: 'use TLS; implied by --cacert, --cert, --key, --servername, --cleartext=false (env USERS_CLI_TLS)' },
  cleartext: { type: 'boolean', describe: 'plaintext (h2c), as in the Go CLI; the default unless TLS is asked for (env CLEARTEXT)' },
  cacert: { type: 'string', describe: 'CA certificate (PEM) to verify the server with (env CACERT)', defaultDescription: 'system CAs', completeFiles: true },
  cert: { type: 'string', describe: 'client certificate (PEM) for mTLS, with --key (env USERS_CLI_CERT)', completeFiles: true },
  key: { type: 'string', describe: 'private key (PEM) of --cert (env USERS_CLI_KEY)', completeFiles: true },
  servername: { type: 'string', describe: 'name to verify the server certificate against (env SERVERNAME)', defaultDescription: 'host of --address' },
};

export const OUTPUT_OPTIONS: Record<string, CliOption> = {
  output: { alias: 'o', type: 'string', choices: OUTPUT_FORMATS, describe: 'output format (env USERS_CLI_OUTPUT)', defaultDescription: CLI_DEFAULTS.output },
  headers: { type: 'boolean', describe: 'column headers in -o table; --no-headers drops them', defaultDescription: 'true' },
  // A bare --color means always, --no-color never.
  color: {
    type: 'string',
    choices: COLOR_MODES,
    coerce: (value: unknown) => (value === '' || value === true ? 'always' : value === false ? 'never' : value),
    describe: 'auto: when stdout is a terminal, NO_COLOR is unset and TERM is not dumb (env COLOR)',
    defaultDescription: CLI_DEFAULTS.color,
  },
  quiet: { alias: 'q', type: 'boolean', describe: 'print nothing on success (errors still go to stderr)' },
  verbose: { alias: 'v', type: 'boolean', describe: 'debug detail on stderr: where each setting came from, gRPC codes, stacks' },
};

export const GLOBAL_OPTIONS: Record<string, CliOption> = { ...CONNECTION_OPTIONS, ...OUTPUT_OPTIONS };
