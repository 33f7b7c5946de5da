import type { ClientMiddleware } from 'nice-grpc';
import { buildInfo } from '../shared/build-info';
import { startTracing, type Tracing } from '../shared/tracing';

let tracing: Tracing | undefined;
let decided = false;

/**
 * A CLIENT span per call, whose context goes to the server as `traceparent`,
 * when the standard OTEL_* variables turn tracing on (read from the process
 * environment, as the SDK itself does); a pass-through otherwise. A bad
 * OTEL_* value is a ConfigError.
 */
export function tracingClientMiddleware(): ClientMiddleware {
  if (!decided) {
    tracing = startTracing({ name: 'users-cli', version: buildInfo.version }, process.env);
    decided = true;
  }
  return tracing?.clientMiddleware ?? ((call, options) => call.next(call.request, options));
}

/** Sends the spans still buffered; users-cli awaits it before exiting. */
export async function flushTracing(): Promise<void> {
  await tracing?.shutdown();
}
