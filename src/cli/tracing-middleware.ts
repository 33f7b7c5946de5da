import type { ClientMiddleware } from 'nice-grpc';
import { buildInfo } from '../shared/build-info';
import { oneLine } from '../shared/quote';
import { onExportStateChange, startTracing, type Tracing } from '../shared/tracing';

/** A collector that is down must not hold a command for the SDK's 10 s of retries. */
const EXPORT_TIMEOUT_MS = 1000;

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
    tracing = startTracing(
      { name: 'users-cli', version: buildInfo.version },
      process.env,
      // The answer stands; the user asked for traces, so say once that they are lost.
      onExportStateChange(
        (error) => process.stderr.write(`users-cli: warning: traces not exported to ${tracing?.endpoint}: ${oneLine(error.message)}\n`),
        () => {},
      ),
      EXPORT_TIMEOUT_MS,
    );
    decided = true;
  }
  return tracing?.clientMiddleware ?? ((call, options) => call.next(call.request, options));
}

/** Sends the spans still buffered; users-cli awaits it before exiting. */
export async function flushTracing(): Promise<void> {
  await tracing?.shutdown();
}
