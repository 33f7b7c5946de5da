import type { Options } from 'yargs';

/**
 * One setting of a binary: its flag, environment variable, default, parser and
 * description. A table of these drives the yargs options, the environment
 * fallback, the --help text and the README's configuration table.
 */
export interface Setting<T> {
  /** The flag without dashes: `address` is `--address`; a one-letter flag is `-v`. */
  flag: string;
  /** Read when the flag is not given. An empty value counts as unset, unless `emptyEnvIsValue`. */
  env?: string;
  /** Gives an empty `env` value to `parse` (e.g. an empty METRICS_ADDRESS disables metrics). */
  emptyEnvIsValue?: boolean;
  /** A second variable, read when `env` is unset, with its own parser (PORT for ADDRESS). */
  envFallback?: { name: string; describe: string; parse(raw: string, source: string): T };
  /** As a user would type it; parsed like any given value. No default: the value is undefined. */
  default?: string;
  /**
   * `string` (the default); `boolean`: true/false/1/0/yes/no/on/off, `--flag` and `--no-flag`,
   * anything else refused by `parse`; `switch`: a flag that takes no value (`-v`).
   */
  type?: 'string' | 'boolean' | 'switch';
  /** Text to value; throws ConfigError naming `source` (the flag or the variable) when the text is bad. */
  parse(raw: string, source: string): T;
  /** One phrase for --help and the README. */
  describe: string;
}

export type SettingsTable = Record<string, Setting<unknown>>;

/** What a setting's `parse` returns. */
export type SettingValue<S> = S extends Setting<infer T> ? T : never;
type WithDefault<Table> = { [K in keyof Table]: Table[K] extends { default: string } ? K : never }[keyof Table];
/** A table's values: a setting without a default is optional (undefined when not given). */
export type SettingValues<Table extends SettingsTable> = { -readonly [K in WithDefault<Table>]: SettingValue<Table[K]> } & {
  -readonly [K in Exclude<keyof Table, WithDefault<Table>>]?: SettingValue<Table[K]>;
};

export interface ResolvedSettings<Table extends SettingsTable> {
  values: SettingValues<Table>;
  /** Where each given value came from (`--flag` or the variable's name), for messages about combinations. */
  sources: { [K in keyof Table]?: string };
}

export function flagName(setting: Setting<unknown>): string {
  return setting.flag.length === 1 ? `-${setting.flag}` : `--${setting.flag}`;
}

/** The yargs options for a table, each described with its variable and default. */
export function yargsOptions(table: SettingsTable): Record<string, Options> {
  return Object.fromEntries(
    Object.values(table).map((setting) => {
      // `boolean` flags stay untyped: yargs reads any value of a typed boolean
      // other than "true" as false (`--samples=maybe`); `parse` refuses it instead.
      const type = setting.type === 'switch' ? 'boolean' : setting.type === 'boolean' ? undefined : 'string';
      return [setting.flag, { type, describe: helpText(setting) }];
    }),
  );
}

function helpText(setting: Setting<unknown>): string {
  const env = setting.env && `[env: ${setting.env}${setting.envFallback ? `, or ${setting.envFallback.name} ${setting.envFallback.describe}` : ''}]`;
  const fallback = setting.default !== undefined && `[default: ${setting.default}]`;
  return [setting.describe, env, fallback].filter(Boolean).join(' ');
}

/** Each setting from its flag, else its variable(s), else its default: parsed, in table order. */
export function resolveSettings<Table extends SettingsTable>(table: Table, args: Record<string, unknown>, env: NodeJS.ProcessEnv): ResolvedSettings<Table> {
  const values: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const [key, setting] of Object.entries(table)) {
    const flagValue = args[setting.flag];
    const envValue = setting.env === undefined ? undefined : env[setting.env];
    const fallbackValue = setting.envFallback && env[setting.envFallback.name];
    if (typeof flagValue === 'boolean') {
      sources[key] = flagName(setting);
      values[key] = flagValue;
    } else if (flagValue !== undefined) {
      sources[key] = flagName(setting);
      values[key] = setting.parse(String(flagValue), sources[key]);
    } else if (envValue !== undefined && (envValue !== '' || setting.emptyEnvIsValue)) {
      sources[key] = setting.env!;
      values[key] = setting.parse(envValue, sources[key]);
    } else if (fallbackValue !== undefined && fallbackValue !== '') {
      sources[key] = setting.envFallback!.name;
      values[key] = setting.envFallback!.parse(fallbackValue, sources[key]);
    } else if (setting.default !== undefined) {
      values[key] = setting.parse(setting.default, `default of ${flagName(setting)}`);
    }
  }
  return { values: values as SettingValues<Table>, sources: sources as ResolvedSettings<Table>['sources'] };
}

/** The README's configuration table (flag, environment, default, meaning). */
export function settingsMarkdown(table: SettingsTable): string {
  const code = (text: string) => `\`${text}\``;
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = Object.values(table).map((setting) => {
    const env = [
      setting.env && code(setting.env),
      setting.envFallback && `or ${code(setting.envFallback.name)} ${setting.envFallback.describe}`,
    ].filter(Boolean).join(', ');
    const fallback = setting.default === undefined ? '' : setting.default === '' ? 'empty' : code(setting.default);
    return `| ${code(flagName(setting))} | ${cell(env)} | ${cell(fallback)} | ${cell(setting.describe)} |`;
  });
  return ['| flag | environment | default | meaning |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}
