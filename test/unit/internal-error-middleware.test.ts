/* eslint-disable require-yield -- a unary call's next() is a generator that returns without yielding */
import { AbortError } from 'abort-controller-x';
import { ServerError, Status, type CallContext, type ServerMiddlewareCall } from 'nice-grpc';
import { internalErrorMiddleware } from '../../src/server/transport/internal-error-middleware';
import { memoryLogger } from '../support/silent-logger';

function run(error: unknown) {
  const logger = memoryLogger();
  const call = {
    method: { path: '/user.UserService/List' },
    request: {},
    next: async function* () {
      throw error;
    },
  } as unknown as ServerMiddlewareCall<unknown, unknown>;
  const generator = internalErrorMiddleware(logger)(call, { signal: new AbortController().signal } as unknown as CallContext);
  return { result: generator.next(), logger };
}

test('an unexpected error: INTERNAL "internal error" to the client, the detail in the log', async () => {
  const { result, logger } = run(new Error('db password=hunter2'));
  await expect(result).rejects.toEqual(new ServerError(Status.INTERNAL, 'internal error'));
  expect(logger.lines.map((l) => [l.level, l.message, String(l.error).split('\n')[0]])).toEqual([['error', 'unexpected error in call', 'Error: db password=hunter2']]);
});

test('a ServerError is meant for the client: passed through, not logged', async () => {
  const error = new ServerError(Status.RESOURCE_EXHAUSTED, 'slow down');
  const { result, logger } = run(error);
  await expect(result).rejects.toBe(error);
  expect(logger.lines).toEqual([]);
});

test('an AbortError is a cancelled call: passed through for nice-grpc to end, not logged', async () => {
  const error = new AbortError();
  const { result, logger } = run(error);
  await expect(result).rejects.toBe(error);
  expect(logger.lines).toEqual([]);
});

test('a thrown non-Error is logged as text', async () => {
  const { result, logger } = run('just a string');
  await expect(result).rejects.toEqual(new ServerError(Status.INTERNAL, 'internal error'));
  expect(logger.lines.map((l) => l.error)).toEqual(['just a string']);
});
