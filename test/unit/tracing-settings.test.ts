import { ConfigError } from '../../src/shared/config-error';
import { onExportStateChange, startTracing, tracingSettings } from '../../src/shared/tracing';

describe('tracing is off unless an exporter is asked for', () => {
  test.each<NodeJS.ProcessEnv>([
    {},
    { OTEL_SERVICE_NAME: 'users', OTEL_TRACES_SAMPLER: 'always_on', OTEL_RESOURCE_ATTRIBUTES: 'a=b' },
    { OTEL_EXPORTER_OTLP_ENDPOINT: '' },
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' },
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' },
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' },
  ])('%j', (env) => {
    expect(tracingSettings(env)).toBeUndefined();
    expect(startTracing({ name: 'x', version: '1' }, env, () => {})).toBeUndefined();
  });
});

test.each<[NodeJS.ProcessEnv, { protocol: string; url: string }]>([
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { protocol: 'http/protobuf', url: 'http://collector:4318/v1/traces' }],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, { protocol: 'http/protobuf', url: 'http://collector:4318/v1/traces' }],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://t.example/traces' }, { protocol: 'http/protobuf', url: 'https://t.example/traces' }],
  [{ OTEL_TRACES_EXPORTER: 'otlp' }, { protocol: 'http/protobuf', url: 'http://localhost:4318/v1/traces' }],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, { protocol: 'http/json', url: 'http://c:4318/v1/traces' }],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, { protocol: 'http/json', url: 'http://c:4318/v1/traces' }],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'false' }, { protocol: 'http/protobuf', url: 'http://c:4318/v1/traces' }],
])('on: %j', (env, expected) => {
  expect(tracingSettings(env)).toEqual(expected);
});

test.each<[NodeJS.ProcessEnv, string]>([
  [{ OTEL_TRACES_EXPORTER: 'jaeger' }, 'invalid OTEL_TRACES_EXPORTER "jaeger": allowed values are otlp, none'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'invalid OTEL_EXPORTER_OTLP_PROTOCOL "grpc": allowed values are http/protobuf, http/json'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }, 'invalid OTEL_EXPORTER_OTLP_TRACES_PROTOCOL "grpc": allowed values are http/protobuf, http/json'],
])('bad: %j', (env, message) => {
  expect(() => tracingSettings(env)).toThrow(new ConfigError(message));
});

test('onExportStateChange reports changes of state only: failing once however many batches fail, then recovered', () => {
  const reports: string[] = [];
  const listener = onExportStateChange(
    (error) => reports.push(`failing: ${error.message}`),
    () => reports.push('recovered'),
  );
  for (const outcome of [undefined, new Error('a'), new Error('b'), undefined, undefined, new Error('c')]) listener(outcome);
  expect(reports).toEqual(['failing: a', 'recovered', 'failing: c']);
});
