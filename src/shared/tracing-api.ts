import { SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { openTelemetryClientMiddleware, openTelemetryServerMiddleware } from 'nice-grpc-opentelemetry';
import type { Tracing } from './tracing';

/**
 * What the binaries trace with, through @opentelemetry/api: required only
 * when tracing is on, once the SDK has registered its tracer provider.
 */
export function grpcTracing(): Omit<Tracing, 'endpoint' | 'shutdown'> {
  const tracer = trace.getTracer('users-grpc');
  return {
    serverMiddleware: openTelemetryServerMiddleware(),
    clientMiddleware: openTelemetryClientMiddleware(),
    logFields() {
      const context = trace.getActiveSpan()?.spanContext();
      if (!context || !(context.traceFlags & TraceFlags.SAMPLED)) return undefined;
      return { trace_id: context.traceId, span_id: context.spanId };
    },
    inSpan(name, attributes, work) {
      return tracer.startActiveSpan(name, { attributes }, async (span) => {
        try {
          return await work();
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      });
    },
  };
}
