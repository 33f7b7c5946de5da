const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest timer Node keeps, 2^31-1 ms (about 24.8 days): setTimeout fires
 * a longer one after 1 ms, with a TimeoutOverflowWarning.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/**
 * Parses `500ms`, `10s`, `2m`, `1h`, `1m30s`; a bare number means seconds.
 * Returns milliseconds, or undefined when the text is not a duration. There is
 * no upper bound here, so that a setting can say a duration is too long rather
 * than not one (setting-parsers' durationUpTo).
 */
export function unboundedDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * UNITS_MS[unit];
  }
  return Math.round(total);
}

/** Milliseconds written as unboundedDurationMs reads them, largest units first: `596h31m23.647s`, `542h`, `0s`. */
export function formatDuration(ms: number): string {
  const hours = Math.floor(ms / UNITS_MS.h);
  const minutes = Math.floor((ms % UNITS_MS.h) / UNITS_MS.m);
  const seconds = (ms % UNITS_MS.m) / 1000;
  const parts = [hours > 0 && `${hours}h`, minutes > 0 && `${minutes}m`, seconds > 0 && `${seconds}s`].filter(Boolean);
  return parts.length > 0 ? parts.join('') : '0s';
}
