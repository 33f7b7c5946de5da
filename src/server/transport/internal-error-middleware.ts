import { isAbortError } from 'abort-controller-x';
import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import { RepositoryOverloadedError, RepositoryUnavailableError } from '../../domain/storage-errors';
import type { Logger } from '../../shared/logger';

/**
 * Turns unexpected exceptions into INTERNAL with a generic message: the
 * details (stack, cause) go to the server log only, never to clients.
 * ServerErrors are meant for the client, and an AbortError is a cancelled
 * call that nice-grpc ends itself, as nice-grpc's docs do it.
 * A store that cannot be reached is UNAVAILABLE (retryable), logged once per
 * outage where the outage is detected, not once per call.
 */
export function internalErrorMiddleware(logger: Logger): ServerMiddleware {
  return async function* internalErrors(call, context) {
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      if (error instanceof ServerError || isAbortError(error)) throw error;
      if (error instanceof RepositoryUnavailableError) {
        // The message is the error's own, fixed text (database unavailable, overloaded, storage full): never the cause.
        const full = error instanceof RepositoryOverloadedError && error.storageFull;
        throw new ServerError(full ? Status.RESOURCE_EXHAUSTED : Status.UNAVAILABLE, error.message);
      }
      logger.error('unexpected error in call', { method: call.method.path, error: errorDetail(error) });
      throw new ServerError(Status.INTERNAL, 'internal error');
    }
  };
}

function errorDetail(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
