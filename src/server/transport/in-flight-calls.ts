import type { ServerMiddleware } from 'nice-grpc';

/** Counts the calls in flight, so that shutdown knows when nothing is left to wait for. */
export function createInFlightCalls(): { middleware: ServerMiddleware; count(): number; idle(): Promise<void> } {
  let count = 0;
  let waiters: Array<() => void> = [];
  return {
    middleware: async function* inFlight(call, context) {
      count++;
      try {
        return yield* call.next(call.request, context);
      } finally {
        if (--count === 0) {
          for (const resolve of waiters) resolve();
          waiters = [];
        }
      }
    },
    count: () => count,
    idle: () => (count === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
