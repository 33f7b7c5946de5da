import { ServerInterceptingCall, status as GrpcStatus, type ServerInterceptor } from '@grpc/grpc-js';
import type { Logger } from '../../shared/logger';
import { escape } from '../../shared/quote';
import { requestDescriptor } from './wire-types';

/** Why a request was refused before (or instead of) reaching a handler. */
export const REJECTION_REASONS = [
  'oversized',
  'malformed',
  'invalid_utf8',
  'unsupported_encoding',
  // Refused by grpc-js from its HTTP/2 listener (http2-refusals.ts): no such method; not a gRPC content-type.
  'unimplemented',
  'unsupported_content_type',
  // A connection Node's HTTP/2 layer refused: not HTTP/2 at all (an HTTP/1.1 request, a TLS-less probe), a protocol error.
  'http2_protocol_error',
  // A TLS handshake that failed (not TLS, no h2 in ALPN, a client certificate refused...), not a client that hung up.
  'tls_handshake_failed',
  // A streaming call (health Watch, reflection) past --max-streaming-calls (streaming-calls.ts): RESOURCE_EXHAUSTED.
  'too_many_streaming_calls',
  // A connection past --max-connections (connection-bounds.ts), closed as it arrives.
  'too_many_connections',
  // A connection that sent no HTTP/2 preface and SETTINGS in time (connection-bounds.ts), closed.
  'silent_connection',
  // A List or Search answer left unread past --unread-answer-timeout (buffered-answers.ts): its stream reset.
  'unread_answer',
  // Past --max-arriving-requests (arriving-requests.ts): the call waiting longest for its request cancelled (CANCEL).
  'too_many_arriving_requests',
  // A request not wholly received within --request-timeout (arriving-requests.ts): its stream reset (CANCEL).
  'request_timeout',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface Rejection {
  reason: RejectionReason;
  /** The request's path; '' for a connection refused before any request. */
  method: string;
  /** What the client was told: a gRPC status, or only an HTTP status (415). */
  grpcCode?: string;
  httpStatus?: number;
  /** The error's code, for a connection refused by TLS (`ERR_SSL_HTTP_REQUEST`). */
  errorCode?: string;
  details: string;
}

/**
 * Classifies the statuses grpc-js sends by itself, before any handler or
 * nice-grpc middleware runs: a message over the size limit (or one that
 * decompresses past it), one that does not decode, an unknown compression.
 * Statuses our handlers send never have these texts.
 */
function classify(code: number, details: string): RejectionReason | undefined {
  if (code === GrpcStatus.RESOURCE_EXHAUSTED && /^Received message (larger than max|that decompresses to a size larger than)/.test(details)) return 'oversized';
  if (code === GrpcStatus.INTERNAL && /^(Error deserializing request|Failed to decompress message|Invalid grpc-timeout value)/.test(details)) return 'malformed';
  if (code === GrpcStatus.UNIMPLEMENTED && details.startsWith('Received message compressed with unsupported encoding')) return 'unsupported_encoding';
  return undefined;
}

/**
 * A grpc-js server interceptor that reports requests grpc-js refuses itself.
 * grpc-js sends those statuses from inside the innermost call object, by
 * `this.sendStatus(...)`, so nothing passed down an interceptor chain sees
 * them: this wraps that method on the innermost call itself.
 */
export function rejectionInterceptor(onRejected: (rejection: Rejection) => void): ServerInterceptor {
  return (method, call) => {
    const send = call.sendStatus.bind(call);
    call.sendStatus = (status) => {
      const reason = status.code === undefined ? undefined : classify(status.code, status.details ?? '');
      const told = reason === 'malformed' ? clientMistake(status, method.path) : status;
      if (reason) onRejected({ reason, method: method.path, grpcCode: GrpcStatus[told.code!], details: told.details ?? '' });
      send(told);
    };
    return new ServerInterceptingCall(call);
  };
}

/**
 * grpc-js answers INTERNAL, a fault of the server's, to requests that are the
 * client's mistake (bytes that are not the request message, a compressed
 * message that does not decompress, a bad grpc-timeout): INVALID_ARGUMENT,
 * as a field sent with the wrong wire type is (wire-types.ts), saying what was wrong.
 */
function clientMistake<T extends { code?: number; details?: string }>(status: T, path: string): T {
  const details = status.details ?? '';
  const [service, name] = path.slice(1).split('/');
  const request = requestDescriptor(service, name)?.typeName;
  const said = details.startsWith('Error deserializing request')
    ? `the request is not a valid ${request ?? 'protobuf message'}`
    : details.startsWith('Failed to decompress message')
      ? 'the request message does not decompress with its grpc-encoding'
      : details;
  return { ...status, code: GrpcStatus.INVALID_ARGUMENT, details: said };
}

/**
 * Logs each rejection at debug, one line each, at most `burst` lines per
 * `windowMs`: a flood of bad requests must not become a flood of log lines.
 * The first line after a quiet window says how many were left out.
 */
export function rateLimitedRejectionLog(logger: Logger, options: { burst?: number; windowMs?: number; now?: () => number } = {}) {
  const { burst = 10, windowMs = 10_000, now = Date.now } = options;
  let windowStart = -Infinity;
  let logged = 0;
  let suppressed = 0;
  return (rejection: Rejection) => {
    if (!logger.isLevelEnabled('debug')) return;
    const time = now();
    if (time - windowStart >= windowMs) {
      windowStart = time;
      logged = 0;
    }
    if (logged >= burst) {
      suppressed++;
      return;
    }
    logged++;
    logger.debug('request rejected', {
      reason: rejection.reason,
      ...(rejection.method !== '' && { method: escape(rejection.method, 100) }),
      ...(rejection.grpcCode !== undefined && { grpc_code: rejection.grpcCode }),
      ...(rejection.httpStatus !== undefined && { http_status: rejection.httpStatus }),
      ...(rejection.errorCode !== undefined && { error_code: rejection.errorCode }),
      details: rejection.details,
      ...(suppressed > 0 && { suppressed_before: suppressed }),
    });
    suppressed = 0;
  };
}
