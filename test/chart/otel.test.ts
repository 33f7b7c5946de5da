import { findObject, FULLNAME, helmTemplate, renderObjects, type K8sObject } from './helm-chart';

const server = (objects: K8sObject[]) => findObject(objects, 'Deployment', FULLNAME).spec.template.spec.containers.find((c: K8sObject) => c.name === 'users-server');

test('otel.endpoint sets OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME; extraEnv still follows', () => {
  const objects = renderObjects({ values: { otel: { endpoint: 'http://otel-collector.monitoring:4318' }, server: { extraEnv: [{ name: 'OTEL_TRACES_SAMPLER', value: 'parentbased_traceidratio' }] } } });
  expect(server(objects).env).toEqual([
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.monitoring:4318' },
    { name: 'OTEL_SERVICE_NAME', value: FULLNAME },
    { name: 'OTEL_TRACES_SAMPLER', value: 'parentbased_traceidratio' },
  ]);
});

test('no otel.endpoint (the default): no OTEL_* variable, so no tracing', () => {
  expect(server(renderObjects()).env).toBeUndefined();
});

test('an endpoint that is not an http(s) URL is refused when rendering', () => {
  const result = helmTemplate({ values: { otel: { endpoint: 'otel-collector:4317' } } });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("at '/otel/endpoint': 'otel-collector:4317' does not match pattern");
});
