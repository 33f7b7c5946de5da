import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { ExportOutcomeListener, TracingSettings } from './tracing';

/**
 * The OpenTelemetry SDK, a bundle of its own loaded only when tracing is on
 * (src/shared/tracing.ts). The OTEL_* variables it reads itself:
 * OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER(_ARG),
 * OTEL_BSP_*, OTEL_EXPORTER_OTLP_(TRACES_)HEADERS, _TIMEOUT and _COMPRESSION.
 */
export function startTracingSdk(
  service: { name: string; version: string },
  settings: TracingSettings,
  onExport: ExportOutcomeListener,
  timeoutMillis: number | undefined,
): { shutdown(): Promise<void> } {
  const resource = resourceFromAttributes({ 'service.name': service.name, 'service.version': service.version })
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the defaults.
    .merge(detectResources({ detectors: [envDetector] }));
  const config = { url: settings.url, ...(timeoutMillis !== undefined && { timeoutMillis }) };
  const exporter = settings.protocol === 'http/json' ? new OtlpJsonExporter(config) : new OtlpProtobufExporter(config);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(reporting(exporter, onExport))] });
  // The global tracer provider, an AsyncLocalStorage context manager, and W3C
  // traceparent and baggage propagation, for @opentelemetry/api's users.
  provider.register();
  return provider;
}

/** The exporter, telling `onExport` how each export ended: the SDK itself only tells its diag logger, which is silent. */
function reporting(exporter: SpanExporter, onExport: ExportOutcomeListener): SpanExporter {
  return {
    export(spans: ReadableSpan[], done) {
      exporter.export(spans, (result) => {
        // ExportResultCode.SUCCESS is 0.
        onExport(result.code === 0 ? undefined : describeExportError(result.error));
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

/** The exporter's error, with the collector's HTTP status when it answered (its message alone is e.g. "Bad Request"). */
function describeExportError(error: (Error & { code?: unknown }) | undefined): Error {
  if (!error) return new Error('export failed');
  return typeof error.code === 'number' ? new Error(`${error.message} (HTTP ${error.code})`) : error;
}
