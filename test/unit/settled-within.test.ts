import { settledWithin } from '../../src/shared/settled-within';

afterEach(() => jest.useRealTimers());

test('true once the work resolves in time, and its timer is gone', async () => {
  jest.useFakeTimers();
  await expect(settledWithin(Promise.resolve('done'), 1000)).resolves.toBe(true);
  expect(jest.getTimerCount()).toBe(0);
});

test('false when the time runs out first', async () => {
  jest.useFakeTimers();
  const settled = settledWithin(new Promise(() => {}), 1000);
  jest.advanceTimersByTime(1000);
  await expect(settled).resolves.toBe(false);
});

test("the work's rejection is passed on, and its timer is gone", async () => {
  jest.useFakeTimers();
  const failure = new Error('pool.end failed');
  await expect(settledWithin(Promise.reject(failure), 1000)).rejects.toBe(failure);
  expect(jest.getTimerCount()).toBe(0);
});
