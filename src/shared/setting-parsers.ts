import { ConfigError } from './config-error';
import { formatDuration, MAX_DURATION_MS, unboundedDurationMs } from './duration';
import { portRangeProblem, splitHostPort } from './host-port';
import { quote } from './quote';

// Parsers for the `parse` of a settings row (src/shared/settings.ts): each
// takes the text and its source (`--flag` or the variable's name) and throws a
// one-line ConfigError naming that source when the text is bad.

const GO_BOOLEANS: Record<string, boolean> = Object.fromEntries([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((text) => [text, true]),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((text) => [text, false]),
]);

/**
 * Exactly what Go's strconv.ParseBool accepts, as Go's flag package, pflag and
 * viper do: both binaries take the booleans the Go service's users know.
 */
export function parseGoBoolean(raw: string, source: string): boolean {
  const value = Object.hasOwn(GO_BOOLEANS, raw) ? GO_BOOLEANS[raw] : undefined;
  if (value === undefined) throw new ConfigError(`invalid ${source} ${quote(raw)}: expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)`);
  return value;
}

/** One of `allowed`, exactly. */
export function oneOf<T extends string>(value: string, allowed: readonly T[], source: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`invalid ${source} ${quote(value)}: allowed values are ${allowed.join(', ')}`);
}

/** `host:port`, IPv6 as `[::1]:8000`. */
export function hostPort(raw: string, source: string): string {
  // Refused rather than trimmed: a stray space or newline is a mistake in a manifest.
  if (/[\s\p{Cc}]/u.test(raw)) throw new ConfigError(`invalid ${source} ${quote(raw)}: white space or control characters are not allowed`);
  const split = splitHostPort(raw);
  if (!split) throw new ConfigError(`invalid ${source} ${quote(raw)}: expected host:port, e.g. 0.0.0.0:8000`);
  // Port 0 is allowed: the system picks a free port (tests, sidecars).
  const range = portRangeProblem(split.port, 0);
  if (range) throw new ConfigError(`invalid ${source} ${quote(raw)}: ${range}`);
  return raw;
}

/** A non-empty file path (whether the file exists is for whoever opens it). */
export function filePath(raw: string, source: string): string {
  if (raw === '') throw new ConfigError(`invalid ${source}: expected a file path`);
  return raw;
}

/**
 * A parser of durations up to `maxMs` (at most MAX_DURATION_MS, the longest
 * timer Node keeps: a longer one fires at once): `500ms`, `10s`, `2m`, `1h`,
 * `1m30s`, or a bare number of seconds, into milliseconds; `why` says why the
 * bound is what it is.
 */
export function durationUpTo(maxMs: number, why: string): (raw: string, source: string) => number {
  return (raw, source) => {
    const ms = unboundedDurationMs(raw);
    if (ms === undefined) throw new ConfigError(`invalid ${source} ${quote(raw)}: expected a duration such as 10s, 500ms or 2m`);
    if (ms > maxMs) throw new ConfigError(`invalid ${source} ${quote(raw)}: longer than ${formatDuration(maxMs)} (${why})`);
    return ms;
  };
}

/** A duration up to MAX_DURATION_MS, in milliseconds (durationUpTo). */
export const duration = durationUpTo(MAX_DURATION_MS, '2^31-1 ms, about 24.8 days: the longest timer Node.js keeps');

/** A duration above 0, for a bound or a timeout, where 0 would refuse everything. */
export function positiveDuration(raw: string, source: string): number {
  const ms = duration(raw, source);
  if (ms === 0) throw new ConfigError(`invalid ${source} ${quote(raw)}: must be at least 1ms`);
  return ms;
}

/** A parser of whole numbers from `min` to `max`, written in decimal digits. */
export function integerFrom(min: number, max: number): (raw: string, source: string) => number {
  return (raw, source) => {
    const value = /^-?\d{1,15}$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= min && value <= max)) throw new ConfigError(`invalid ${source} ${quote(raw)}: expected a whole number from ${min} to ${max}`);
    return value;
  };
}

const BYTE_UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 * 1024 };

/** A parser of sizes from `min` to `max` bytes: `3670016`, `3.5MiB`, `512KiB`, `100B`; `why` says why the range is what it is. */
export function byteSizeFrom(min: number, max: number, why?: string): (raw: string, source: string) => number {
  const range = `${min / 1024}KiB to ${max / (1024 * 1024)}MiB${why ? ` (${why})` : ''}`;
  return (raw, source) => {
    const match = /^(\d{1,10}(?:\.\d{1,3})?) ?(B|KiB|MiB)?$/.exec(raw);
    const bytes = match ? Math.floor(Number(match[1]) * BYTE_UNITS[match[2] ?? 'B']) : NaN;
    if (!(bytes >= min && bytes <= max)) throw new ConfigError(`invalid ${source} ${quote(raw)}: expected a size from ${range}, e.g. 3.5MiB, 512KiB or 3670016 (bytes)`);
    return bytes;
  };
}
