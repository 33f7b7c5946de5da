import { parseDuration } from '../../src/shared/duration';

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
