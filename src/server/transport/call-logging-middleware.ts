import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import { Status_StatusCode } from '../../../gen/user/user';
import type { Logger } from '../../shared/logger';

const USER_SERVICE_PREFIX = '/user.UserService/';

/**
 * One log line per finished call: method, gRPC code, application status code
 * and duration (and trace_id, span_id when tracing). Health probes and reflection log at debug level so that
 * Kubernetes probing does not drown the calls that matter.
 */
export function callLoggingMiddleware(logger: Logger, traceFields?: () => Record<string, string> | undefined): ServerMiddleware {
  return async function* logCalls(call, context) {
    const started = process.hrtime.bigint();
    const level = call.method.path.startsWith(USER_SERVICE_PREFIX) ? 'info' : 'debug';
    // Stays UNKNOWN only if the call never resumes: a stream its client closed.
    let grpcCode = Status.UNKNOWN;
    let statusCode: string | undefined;
    let logged = false;
    const log = () => {
      if (logged || !logger.isLevelEnabled(level)) return;
      logged = true;
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.log(level, 'call', {
        method: call.method.path,
        grpc_code: Status[grpcCode],
        ...(statusCode !== undefined && { status: statusCode }),
        duration_ms: Math.round(durationMs * 1000) / 1000,
        ...traceFields?.(),
      });
    };
    // A call cut by its client or at shutdown is logged when it is cut, even
    // if its handler is still waiting on a repository that never answers.
    const onAbort = () => {
      grpcCode = Status.CANCELLED;
      statusCode = undefined;
      log();
    };
    context.signal.addEventListener('abort', onAbort);
    try {
      const response = yield* call.next(call.request, context);
      grpcCode = Status.OK;
      statusCode = applicationStatus(response);
      return response;
    } catch (error) {
      grpcCode = error instanceof ServerError ? error.code : Status.UNKNOWN;
      throw error;
    } finally {
      // In `finally`, so that every call is logged, whichever way it ended. An
      // aborted call (client gone, deadline, cut at shutdown) sent nothing,
      // whatever its handler returned afterwards.
      if (context.signal.aborted && (grpcCode === Status.OK || grpcCode === Status.UNKNOWN)) {
        grpcCode = Status.CANCELLED;
        statusCode = undefined;
      }
      context.signal.removeEventListener('abort', onAbort);
      log();
    }
  };
}

function applicationStatus(response: unknown): string | undefined {
  const status = (response as { status?: { code?: Status_StatusCode } } | undefined)?.status;
  return status?.code === undefined ? undefined : Status_StatusCode[status.code];
}
