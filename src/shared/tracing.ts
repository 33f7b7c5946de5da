import type { ClientMiddleware, ServerMiddleware } from 'nice-grpc';
import { ConfigError } from './config-error';
import { quote } from './quote';
import { integerFrom, oneOf } from './setting-parsers';

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
  if (tracesEndpoint) httpUrl(tracesEndpoint, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  else if (endpoint) httpUrl(endpoint, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  checkSdkVariables(value);
  return { protocol, url };
}

/** Samplers the SDK knows (it would fall back to parentbased_always_on for any other, saying nothing). */
const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
const COMPRESSIONS = ['gzip', 'none'] as const;

function httpUrl(raw: string, source: string): void {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new ConfigError(`invalid ${source} ${quote(raw, 100)}: expected an http:// or https:// URL, e.g. http://otel-collector:4318`);
  }
}

/**
 * The OTEL_* variables the SDK reads itself, checked as strictly as ours: the
 * SDK would log a bad one to a diagnostic logger nobody sees and carry on
 * with its default (all spans sampled, no headers sent, a 10 s timeout).
 */
function checkSdkVariables(value: (name: string) => string | undefined): void {
  const sampler = value('OTEL_TRACES_SAMPLER');
  if (sampler) oneOf(sampler, SAMPLERS, 'OTEL_TRACES_SAMPLER');
  const samplerArg = value('OTEL_TRACES_SAMPLER_ARG');
  if (samplerArg && sampler?.endsWith('traceidratio')) {
    const ratio = /^\d*\.?\d+$/.test(samplerArg) ? Number(samplerArg) : NaN;
    if (!(ratio >= 0 && ratio <= 1)) throw new ConfigError(`invalid OTEL_TRACES_SAMPLER_ARG ${quote(samplerArg, 100)}: expected a ratio from 0 to 1, e.g. 0.25`);
  }
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    const headers = value(name);
    // The value is not echoed: headers carry API keys.
    const bad = headers?.split(',').findIndex((item) => item.trim() !== '' && !/^\s*[^=\s]+\s*=/.test(item));
    if (bad !== undefined && bad >= 0) throw new ConfigError(`invalid ${name}: expected key=value pairs separated by commas (item ${bad + 1} is not one)`);
  }
  for (const name of ['OTEL_EXPORTER_OTLP_COMPRESSION', 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION']) {
    const compression = value(name);
    if (compression) oneOf(compression, COMPRESSIONS, name);
  }
  for (const [name, min] of [['OTEL_EXPORTER_OTLP_TIMEOUT', 1], ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 1], ['OTEL_BSP_EXPORT_TIMEOUT', 1], ['OTEL_BSP_SCHEDULE_DELAY', 0]] as const) {
    const raw = value(name);
    if (raw) integerFrom(min, 3_600_000)(raw, name);
  }
  const count = integerFrom(1, 1_000_000);
  for (const name of ['OTEL_BSP_MAX_QUEUE_SIZE', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE']) {
    const raw = value(name);
    if (raw) count(raw, name);
  }
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
