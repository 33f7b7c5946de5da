/* eslint-disable require-yield -- a unary call's next() is a generator that returns without yielding */
import { AbortError } from 'abort-controller-x';
import { ServerError, Status, type CallContext, type ServerMiddlewareCall } from 'nice-grpc';
import { Status_StatusCode } from '../../gen/user/user';
import { callLoggingMiddleware } from '../../src/server/transport/call-logging-middleware';
import { callLines } from '../support/log-lines';
import { memoryLogger } from '../support/silent-logger';

const PATH = '/user.UserService/List';

/** Runs the middleware around `handler` as nice-grpc would, with a context whose signal the test controls. */
function run(handler: (signal: AbortSignal) => AsyncGenerator<unknown, unknown, undefined>) {
  const logger = memoryLogger();
  const controller = new AbortController();
  const call = {
    method: { path: PATH, requestStream: false, responseStream: false, options: {} },
    request: {},
    next: (_request: unknown, context: CallContext) => handler(context.signal),
  } as unknown as ServerMiddlewareCall<unknown, unknown>;
  const context = { signal: controller.signal } as unknown as CallContext;
  const generator = callLoggingMiddleware(logger)(call, context);
  const lines = () => callLines(logger.lines, PATH).map(({ duration_ms: _d, ...rest }) => rest);
  return { generator, controller, lines };
}

const line = (grpcCode: string, status?: string) => ({ level: 'info', message: 'call', method: PATH, grpc_code: grpcCode, ...(status && { status }) });

test('a finished call: OK and its application status', async () => {
  const { generator, lines } = run(async function* () {
    return { status: { code: Status_StatusCode.SUCCESS, msg: '' } };
  });
  expect(await generator.next()).toEqual({ done: true, value: { status: { code: Status_StatusCode.SUCCESS, msg: '' } } });
  expect(lines()).toEqual([line('OK', 'SUCCESS')]);
});

test('a ServerError: its code', async () => {
  const { generator, lines } = run(async function* () {
    throw new ServerError(Status.INVALID_ARGUMENT, 'bad');
  });
  await expect(generator.next()).rejects.toThrow('bad');
  expect(lines()).toEqual([line('INVALID_ARGUMENT')]);
});

test('any other error: UNKNOWN (internal-error middleware turns it into INTERNAL further in)', async () => {
  const { generator, lines } = run(async function* () {
    throw new Error('boom');
  });
  await expect(generator.next()).rejects.toThrow('boom');
  expect(lines()).toEqual([line('UNKNOWN')]);
});

test('a call aborted while its handler still returned: CANCELLED, no application status', async () => {
  const { generator, controller, lines } = run(async function* () {
    controller.abort();
    return { status: { code: Status_StatusCode.SUCCESS, msg: '' } };
  });
  await generator.next();
  expect(lines()).toEqual([line('CANCELLED')]);
});

test('a call whose handler ends with an AbortError: CANCELLED', async () => {
  const { generator, controller, lines } = run(async function* () {
    controller.abort();
    throw new AbortError();
  });
  await expect(generator.next()).rejects.toThrow(AbortError);
  expect(lines()).toEqual([line('CANCELLED')]);
});

test('a stream closed by its client at a yield (the generator never resumes): CANCELLED', async () => {
  const { generator, controller, lines } = run(async function* () {
    yield { n: 1 };
    yield { n: 2 };
  });
  expect(await generator.next()).toEqual({ done: false, value: { n: 1 } });
  expect(lines()).toEqual([]);
  controller.abort();
  await generator.return(undefined);
  expect(lines()).toEqual([line('CANCELLED')]);
});

test('health and reflection calls log at debug, and not at all above it', async () => {
  const logger = memoryLogger('info');
  const call = {
    method: { path: '/grpc.health.v1.Health/Check' },
    request: {},
    next: async function* () {
      return {};
    },
  } as unknown as ServerMiddlewareCall<unknown, unknown>;
  await callLoggingMiddleware(logger)(call, { signal: new AbortController().signal } as unknown as CallContext).next();
  expect(logger.lines).toEqual([]);
});
