import type { ClientMiddleware, ServerMiddleware } from 'nice-grpc';
import { oneOf } from './setting-parsers';

/**
 * OpenTelemetry traces, configured by the standard OTEL_* variables only.
 * Off unless an exporter is asked for: OTEL_EXPORTER_OTLP_ENDPOINT,
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_TRACES_EXPORTER (and not
 * OTEL_SDK_DISABLED=true). Off, nothing of it is loaded: the bundles keep the
 * SDK in a file of their own (dist/users-grpc-tracing.js, see scripts/build.js)
 * and evaluate the gRPC instrumentation only when tracing starts.
 */
export interface Tracing {
  /** A SERVER span per call, child of the caller's `traceparent` when there is one. */
  serverMiddleware: ServerMiddleware;
  /** A CLIENT span per call, sent along as `traceparent`. */
  clientMiddleware: ClientMiddleware;
  /** trace_id and span_id of the active span for a log line; undefined outside a sampled span. */
  logFields(): { trace_id: string; span_id: string } | undefined;
  /** Runs `work` in a child span of the active one (e.g. a SQL query), ended and marked as it ends. */
  inSpan<T>(name: string, attributes: Record<string, string | number>, work: () => Promise<T>): Promise<T>;
  /** Where spans go, for the start-up line. */
  endpoint: string;
  /** Sends the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

export interface TracingSettings {
  protocol: 'http/protobuf' | 'http/json';
  /** Where OTLP spans go: the traces endpoint as given, or the general one plus /v1/traces. */
  url: string;
}

const EXPORTERS = ['otlp', 'none'] as const;
const PROTOCOLS = ['http/protobuf', 'http/json'] as const;

/** The tracing settings from OTEL_* variables, or undefined when tracing is off; a bad value is a ConfigError. */
export function tracingSettings(env: NodeJS.ProcessEnv): TracingSettings | undefined {
  const value = (name: string) => env[name]?.trim() || undefined;
  if (value('OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined;
  const exporterName = value('OTEL_TRACES_EXPORTER');
  const tracesEndpoint = value('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = value('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (!exporterName && !tracesEndpoint && !endpoint) return undefined;
  const exporter = oneOf(exporterName ?? 'otlp', EXPORTERS, 'OTEL_TRACES_EXPORTER');
  if (exporter === 'none') return undefined;
  const protocolSource = value('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = oneOf(value(protocolSource) ?? 'http/protobuf', PROTOCOLS, protocolSource);
  const url = tracesEndpoint ?? `${(endpoint ?? 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`;
  return { protocol, url };
}

/** Told how each batch export ended: undefined when the spans were sent, the error otherwise. */
export type ExportOutcomeListener = (error: Error | undefined) => void;

/**
 * An ExportOutcomeListener that reports a change of state only: `failing` when
 * exports start to fail, `recovered` when they work again. A collector that is
 * down gives one line, not one per batch.
 */
export function onExportStateChange(failing: (error: Error) => void, recovered: () => void): ExportOutcomeListener {
  let failed = false;
  return (error) => {
    if (error && !failed) failing(error);
    if (!error && failed) recovered();
    failed = error !== undefined;
  };
}

/** Starts tracing when the OTEL_* variables ask for it; undefined (and nothing loaded) otherwise. */
export function startTracing(
  service: { name: string; version: string },
  env: NodeJS.ProcessEnv,
  onExport: ExportOutcomeListener,
  /** How long one export may take, retries included, unless OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT says (the SDK's default is 10 s). */
  defaultExportTimeoutMs?: number,
): Tracing | undefined {
  const settings = tracingSettings(env);
  if (!settings) return undefined;
  const timeoutSet = Boolean(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT?.trim() || env.OTEL_EXPORTER_OTLP_TIMEOUT?.trim());
  // The SDK: a bundle of its own beside the binaries (scripts/build.js), the module itself from source.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTracingSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  const provider = startTracingSdk(service, settings, onExport, timeoutSet ? undefined : defaultExportTimeoutMs);
  // In the binaries' bundles, but evaluated only now.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { grpcTracing } = require('./tracing-api') as typeof import('./tracing-api');
  return { ...grpcTracing(), endpoint: settings.url, shutdown: () => provider.shutdown() };
}
