import { ConfigError } from '../shared/config-error';
import { quote } from '../shared/quote';

/** Parsed arguments as yargs gives them: values are checked by the commands, not trusted. */
export type RawArgs = Record<string, unknown>;

/** A string flag; undefined when absent. The last one wins when it is repeated. */
export function stringArg(args: RawArgs, name: string): string | undefined {
  const value = Array.isArray(args[name]) ? (args[name] as unknown[]).at(-1) : args[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new ConfigError(`invalid --${name}: expected a value, e.g. --${name}=VALUE`);
}

/** A boolean flag: the last one wins when it is repeated. */
export function flagOn(args: RawArgs, name: string): boolean | undefined {
  const value = Array.isArray(args[name]) ? (args[name] as unknown[]).at(-1) : args[name];
  return value === undefined ? undefined : value === true;
}

/**
 * What was typed last for a boolean flag: `true` for `--name`, `false` for
 * `--no-name`, V for `--name=V` (which yargs reads as false unless V is
 * `true`, so that `--cleartext=t` would silently mean TLS).
 */
export function booleanFlagText(argv: readonly string[], name: string): string | undefined {
  let text: string | undefined;
  for (const token of argv) {
    if (token === '--') break;
    if (token === `--${name}`) text = 'true';
    else if (token === `--no-${name}`) text = 'false';
    else if (token.startsWith(`--${name}=`)) text = token.slice(name.length + 3);
  }
  return text;
}

/** Every value of a flag or variadic positional, in order. */
export function stringsArg(args: RawArgs, name: string): string[] {
  const value = args[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => String(item));
}

const INT32_MAX = 2 ** 31 - 1;

/**
 * A whole-number flag (yargs `type: 'number'`, so help says `[number]`). yargs
 * turns `old` into NaN and `0x10` into 16: the text the user typed is taken
 * from argv, so the message quotes it and only plain decimals pass.
 */
export function int32Arg(args: RawArgs, name: string, argv: readonly string[]): number | undefined {
  const parsed = Array.isArray(args[name]) ? (args[name] as unknown[]).at(-1) : args[name];
  if (parsed === undefined) return undefined;
  const text = typedText(argv, name) ?? String(parsed);
  if (!/^[+-]?\d+$/.test(text.trim())) throw new ConfigError(`invalid --${name} ${quote(text)}: expected a whole number`);
  const value = Number(text);
  if (value > INT32_MAX) throw new ConfigError(`invalid --${name} ${quote(text)}: out of range (at most ${INT32_MAX})`);
  if (value < -INT32_MAX - 1) throw new ConfigError(`invalid --${name} ${quote(text)}: out of range (at least ${-INT32_MAX - 1})`);
  return value;
}

/** The last value typed for `--name` in argv (`--name=V` or `--name V`). */
function typedText(argv: readonly string[], name: string): string | undefined {
  let text: string | undefined;
  argv.forEach((token, index) => {
    if (token === `--${name}`) text = argv[index + 1];
    else if (token.startsWith(`--${name}=`)) text = token.slice(name.length + 3);
  });
  return text;
}
