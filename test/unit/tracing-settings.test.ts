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
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'garbage' }, 'invalid OTEL_EXPORTER_OTLP_ENDPOINT "garbage": expected an http:// or https:// URL, e.g. http://otel-collector:4318'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' }, 'invalid OTEL_EXPORTER_OTLP_ENDPOINT "localhost:4318": expected an http:// or https:// URL, e.g. http://otel-collector:4318'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a b' }, 'invalid OTEL_EXPORTER_OTLP_ENDPOINT "http://a b": expected an http:// or https:// URL, e.g. http://otel-collector:4318'],
  [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '::bad' }, 'invalid OTEL_EXPORTER_OTLP_TRACES_ENDPOINT "::bad": expected an http:// or https:// URL, e.g. http://otel-collector:4318'],
  [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'bogus' }, 'invalid OTEL_TRACES_SAMPLER "bogus": allowed values are always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio'],
  [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '7' }, 'invalid OTEL_TRACES_SAMPLER_ARG "7": expected a ratio from 0 to 1, e.g. 0.25'],
  [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' }, 'invalid OTEL_TRACES_SAMPLER_ARG "half": expected a ratio from 0 to 1, e.g. 0.25'],
  [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cret,garbage' }, 'invalid OTEL_EXPORTER_OTLP_HEADERS: expected key=value pairs separated by commas (item 2 is not one)'],
  [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_HEADERS: '=x' }, 'invalid OTEL_EXPORTER_OTLP_TRACES_HEADERS: expected key=value pairs separated by commas (item 1 is not one)'],
  [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_COMPRESSION: 'bogus' }, 'invalid OTEL_EXPORTER_OTLP_COMPRESSION "bogus": allowed values are gzip, none'],
  [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TIMEOUT: 'abc' }, 'invalid OTEL_EXPORTER_OTLP_TIMEOUT "abc": expected a whole number from 1 to 3600000'],
  [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '0' }, 'invalid OTEL_EXPORTER_OTLP_TRACES_TIMEOUT "0": expected a whole number from 1 to 3600000'],
  [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_BSP_SCHEDULE_DELAY: '-1' }, 'invalid OTEL_BSP_SCHEDULE_DELAY "-1": expected a whole number from 0 to 3600000'],
  [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_BSP_MAX_QUEUE_SIZE: '1e3' }, 'invalid OTEL_BSP_MAX_QUEUE_SIZE "1e3": expected a whole number from 1 to 1000000'],
])('bad: %j', (env, message) => {
  expect(() => tracingSettings(env)).toThrow(new ConfigError(message));
});

test('the SDK variables, when good, are left to the SDK (a ratio sampler with its ratio, headers, gzip, timeouts)', () => {
  const env = {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.25',
    OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cret, x-tenant=a%20b',
    OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
    OTEL_BSP_SCHEDULE_DELAY: '0',
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512',
  };
  expect(tracingSettings(env)).toEqual({ protocol: 'http/protobuf', url: 'http://localhost:4318/v1/traces' });
  // The ratio is only a ratio's: always_on takes no argument, and the SDK ignores one.
  expect(tracingSettings({ ...env, OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: 'ignored' })).toEqual({ protocol: 'http/protobuf', url: 'http://localhost:4318/v1/traces' });
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
