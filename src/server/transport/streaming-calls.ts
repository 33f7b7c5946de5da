import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';

/**
 * Bounds the streaming calls open at once (health Watch, reflection): each
 * stays open as long as its client wants, holding 28 to 43 KiB, and 10,000 of
 * either took the server to about 360 MiB (the chart's limit was then 384Mi). Past `max` a new one is
 * refused with RESOURCE_EXHAUSTED, and `onRefused` hears of it. Unary calls end
 * by themselves and are not counted. One middleware for every port of a
 * server, so that the bound is the server's.
 * V8 frees what ended streams held at its next full collection, which an idle
 * server does not have (10,000 torn down left RSS at 404 MiB; 130 MiB after
 * one), so `collect` runs each time `collectEvery` streaming calls have ended.
 */
export function boundStreamingCalls(
  max: number,
  onRefused: (method: string, details: string) => void,
  collect: () => void,
  collectEvery = 1000,
): ServerMiddleware {
  let open = 0;
  let ended = 0;
  return async function* streamingCalls(call, context) {
    if (!call.method.requestStream && !call.method.responseStream) return yield* call.next(call.request, context);
    if (open >= max) {
      const details = `too many streaming calls (health Watch, reflection) open on this server (at most ${max}, --max-streaming-calls): use health Check, or try again later`;
      onRefused(call.method.path, details);
      throw new ServerError(Status.RESOURCE_EXHAUSTED, details);
    }
    open++;
    try {
      return yield* call.next(call.request, context);
    } finally {
      open--;
      // Once the call's objects are let go, after this turn.
      if (++ended % collectEvery === 0) setImmediate(collect);
    }
  };
}
