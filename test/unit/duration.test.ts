import { formatDuration, MAX_DURATION_MS, unboundedDurationMs } from '../../src/shared/duration';

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
  expect(unboundedDurationMs(text)).toBe(ms);
});

test.each(['', ' ', 'soon', '10 s', '10sec', 's', '-1s', '-1', '1d', '10S', '1.s', '.5s', '1e3', '1m 30s', 'ms'])('%j is not a duration', (text) => {
  expect(unboundedDurationMs(text)).toBeUndefined();
});

test('durations past 2^31-1 ms (the longest timer Node keeps) are read as they are: the settings bound them', () => {
  expect(MAX_DURATION_MS).toBe(2_147_483_647);
  expect(unboundedDurationMs('596h31m23.647s')).toBe(MAX_DURATION_MS);
  expect(unboundedDurationMs('600h')).toBe(2_160_000_000);
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
  expect(unboundedDurationMs(text)).toBe(ms);
});
