import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import { isAbortError } from 'abort-controller-x';

/** The context field nice-grpc-server-health's Watch calls to opt into termination. */
export interface TerminatorContext {
  abortOnTerminate(): void;
}

/**
 * Lets long-lived streams (health Watch) be ended on shutdown, since
 * `server.shutdown()` waits for every open call.
 *
 * Adapted from nice-grpc's terminator middleware, which is not published to
 * the npm registry: https://github.com/deeplay-io/nice-grpc, file
 * packages/nice-grpc-server-middleware-terminator/src/index.ts
 * (MIT licence, Copyright (c) 2021 Deeplay). Changes: Node's global
 * AbortController instead of node-abort-controller, and the UNAVAILABLE
 * "server is shutting down" only for an AbortError after terminate().
 */
export function createTerminator(): { middleware: ServerMiddleware<TerminatorContext>; terminate(): void } {
  const abortOnTerminate = new Set<AbortController>();
  let terminated = false;
  return {
    middleware: async function* terminator(call, context) {
      const controller = new AbortController();
      const onAbort = () => controller.abort();
      context.signal.addEventListener('abort', onAbort);
      let registered = false;
      try {
        return yield* call.next(call.request, {
          ...context,
          signal: controller.signal,
          abortOnTerminate() {
            if (terminated) controller.abort();
            else if (!registered) {
              registered = true;
              abortOnTerminate.add(controller);
            }
          },
        });
      } catch (error) {
        // A terminated stream ends the way a stopping server's streams do.
        if (isAbortError(error) && terminated && !context.signal.aborted) {
          throw new ServerError(Status.UNAVAILABLE, 'server is shutting down');
        }
        throw error;
      } finally {
        context.signal.removeEventListener('abort', onAbort);
        abortOnTerminate.delete(controller);
      }
    },
    terminate() {
      terminated = true;
      for (const controller of abortOnTerminate) controller.abort();
      abortOnTerminate.clear();
    },
  };
}
