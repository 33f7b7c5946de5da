import { formatDuration, MAX_DURATION_MS, parseDuration, unboundedDurationMs } from '../../src/shared/duration';

test.each<[string, number]>([
  ['10s', 10_000],
  ['500ms', 500],
  ['2m', 120_000],
  ['1h', 3_600_000],
  ['1m30s', 90_000],
  ['1h2m3s4ms', 3_723_004],
  ['1.5s', 1500],
  ['0.25m', 15_000],
  ['0', 0],
  ['0s', 0],
  ['10', 10_000],
  ['2.5', 2500],
  [' 10s ', 10_000],
  ['0.0004s', 0],
])('%j is %d ms', (text, ms) => {
  expect(parseDuration(text)).toBe(ms);
});

test.each(['', ' ', 'soon', '10 s', '10sec', 's', '-1s', '-1', '1d', '10S', '1.s', '.5s', '1e3', '1m 30s', 'ms'])('%j is not a duration', (text) => {
  expect(parseDuration(text)).toBeUndefined();
});

test('past 2^31-1 ms (the longest timer Node keeps: a longer one fires after 1 ms) is not a duration parseDuration returns; unboundedDurationMs says how long it is', () => {
  expect(MAX_DURATION_MS).toBe(2_147_483_647);
  expect(parseDuration('596h31m23.647s')).toBe(MAX_DURATION_MS);
  expect(parseDuration('596h31m23.648s')).toBeUndefined();
  expect(parseDuration('600h')).toBeUndefined();
  expect(unboundedDurationMs('600h')).toBe(2_160_000_000);
  expect(unboundedDurationMs('10s')).toBe(10_000);
  expect(unboundedDurationMs('soon')).toBeUndefined();
});

test.each<[number, string]>([
  [MAX_DURATION_MS, '596h31m23.647s'],
  [542 * 3_600_000, '542h'],
  [90_000, '1m30s'],
  [500, '0.5s'],
  [3_600_001, '1h0.001s'],
  [0, '0s'],
])('%d ms is written %j, which parses back', (ms, text) => {
  expect(formatDuration(ms)).toBe(text);
  expect(parseDuration(text)).toBe(ms);
});
