import { rateLimitedRejectionLog, type Rejection } from '../../src/server/transport/rejected-requests';
import { fieldsOf } from '../support/log-lines';
import { memoryLogger } from '../support/silent-logger';

const rejection: Rejection = { reason: 'oversized', method: '/user.UserService/List', grpcCode: 'RESOURCE_EXHAUSTED', details: 'Received message larger than max (5 vs 4)' };
const line = (extra: Record<string, unknown> = {}) => ({
  level: 'debug',
  message: 'request rejected',
  reason: 'oversized',
  method: '/user.UserService/List',
  grpc_code: 'RESOURCE_EXHAUSTED',
  details: 'Received message larger than max (5 vs 4)',
  ...extra,
});

test('one debug line per rejection, at most `burst` per window; the next window says how many were left out', () => {
  const logger = memoryLogger('debug');
  let now = 1_000;
  const log = rateLimitedRejectionLog(logger, { burst: 2, windowMs: 10_000, now: () => now });
  for (let i = 0; i < 5; i++) log(rejection);
  expect(logger.lines.map(fieldsOf)).toEqual([line(), line()]);
  now += 10_000;
  log(rejection);
  log(rejection);
  log(rejection);
  expect(logger.lines.map(fieldsOf)).toEqual([line(), line(), line({ suppressed_before: 3 }), line()]);
});

test('nothing is logged, nor counted, when debug is off', () => {
  const logger = memoryLogger('info');
  const log = rateLimitedRejectionLog(logger, { burst: 1, now: () => 0 });
  log(rejection);
  log(rejection);
  expect(logger.lines).toEqual([]);
});

test('a hostile method path is escaped and cut', () => {
  const logger = memoryLogger('debug');
  rateLimitedRejectionLog(logger)({ ...rejection, method: `/x\n${'y'.repeat(200)}` });
  expect(logger.lines[0].method).toBe(`/x\\n${'y'.repeat(97)}…`);
});

test('a refusal answered with an HTTP status only says so; a connection refused before any request names no method', () => {
  const logger = memoryLogger('debug');
  const log = rateLimitedRejectionLog(logger);
  log({ reason: 'unsupported_content_type', method: '/user.UserService/List', httpStatus: 415, details: 'content-type "text/html" is not application/grpc' });
  log({ reason: 'http2_protocol_error', method: '', details: 'Received bad client magic byte string' });
  expect(logger.lines.map(fieldsOf)).toEqual([
    { level: 'debug', message: 'request rejected', reason: 'unsupported_content_type', method: '/user.UserService/List', http_status: 415, details: 'content-type "text/html" is not application/grpc' },
    { level: 'debug', message: 'request rejected', reason: 'http2_protocol_error', details: 'Received bad client magic byte string' },
  ]);
});
