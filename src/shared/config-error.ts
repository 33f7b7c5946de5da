import { quote } from './quote';

/** A bad flag or environment value: the binaries print its message as one line and exit 2. */
export class ConfigError extends Error {}

/** Parses a boolean flag or variable value, naming its source when it is neither. */
export function parseBoolean(raw: string, source: string): boolean {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`invalid ${source} ${quote(raw)}: expected true or false`);
}

/** Reads a boolean environment value; undefined when unset or empty. */
export function envBoolean(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : parseBoolean(raw, name);
}

/** Checks that `value` is one of `allowed`, naming where it came from otherwise. */
export function oneOf<T extends string>(value: string, allowed: readonly T[], source: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`invalid ${source} ${quote(value)}: allowed values are ${allowed.join(', ')}`);
}
