import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { TracingSettings } from './tracing';

/**
 * The OpenTelemetry SDK, a bundle of its own loaded only when tracing is on
 * (src/shared/tracing.ts). The OTEL_* variables it reads itself:
 * OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER(_ARG),
 * OTEL_BSP_*, OTEL_EXPORTER_OTLP_(TRACES_)HEADERS, _TIMEOUT and _COMPRESSION.
 */
export function startTracingSdk(service: { name: string; version: string }, settings: TracingSettings): { shutdown(): Promise<void> } {
  const resource = resourceFromAttributes({ 'service.name': service.name, 'service.version': service.version })
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the defaults.
    .merge(detectResources({ detectors: [envDetector] }));
  const exporter = settings.protocol === 'http/json' ? new OtlpJsonExporter({ url: settings.url }) : new OtlpProtobufExporter({ url: settings.url });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  // The global tracer provider, an AsyncLocalStorage context manager, and W3C
  // traceparent and baggage propagation, for @opentelemetry/api's users.
  provider.register();
  return provider;
}
