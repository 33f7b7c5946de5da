import { helmLint, helmTemplate } from './helm-chart';

/** helm's error output for values that must be refused; fails the test when helm renders them. */
function refusal(values: object, kubeVersion?: string): string {
  const result = helmTemplate({ values, kubeVersion });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  return result.stderr;
}

describe('in-memory storage refuses several pods', () => {
  test('replicaCount > 1', () => {
    expect(refusal({ replicaCount: 3 })).toContain(
      'users-grpc: replicaCount is 3, but storage.type is memory: each pod would keep its own users. ' +
        'Set storage.type=postgres (with database.url or database.existingSecret) to run several pods, or storage.memory.allowMultipleReplicas=true if clients only read the sample users.',
    );
  });

  test('autoscaling', () => {
    expect(refusal({ autoscaling: { enabled: true } })).toContain(
      'users-grpc: autoscaling.enabled is true, but storage.type is memory: each pod would keep its own users.',
    );
  });

  test('unless the override says so', () => {
    expect(helmTemplate({ values: { replicaCount: 3, storage: { type: 'memory', memory: { allowMultipleReplicas: true } } } }).code).toBe(0);
  });
});

describe('combinations the chart refuses, each with a one-line reason', () => {
  test.each([
    ['TLS without a Secret', { tls: { enabled: true } }, 'users-grpc: tls.enabled needs tls.secretName, the kubernetes.io/tls Secret with tls.crt and tls.key.'],
    ['mTLS without TLS', { tls: { mtls: { enabled: true } } }, 'users-grpc: tls.mtls.enabled needs tls.enabled.'],
    [
      'mTLS without the CA in the Secret',
      { tls: { enabled: true, secretName: 's', caFromSecret: false, mtls: { enabled: true } } },
      "users-grpc: tls.mtls.enabled needs tls.caFromSecret: the server verifies client certificates with the Secret's ca.crt.",
    ],
    ['a ServiceMonitor without metrics', { serviceMonitor: { enabled: true }, metrics: { enabled: false } }, 'users-grpc: serviceMonitor.enabled needs metrics.enabled.'],
    [
      'more minimum than maximum replicas',
      { autoscaling: { enabled: true, minReplicas: 4, maxReplicas: 3 }, storage: { type: 'memory', memory: { allowMultipleReplicas: true } } },
      'users-grpc: autoscaling.minReplicas (4) is above autoscaling.maxReplicas (3).',
    ],
  ])('%s', (_name, values, message) => {
    expect(refusal(values)).toContain(message);
  });
});

describe('values.schema.json', () => {
  test.each([
    ['an unknown top-level key', { replicas: 2 }, "at '': additional properties 'replicas' not allowed"],
    ['an unknown nested key', { server: { gracePeriod: '10s' } }, "at '/server': additional properties 'gracePeriod' not allowed"],
    ['an unknown key deep down', { networkPolicy: { grpc: { from: [{ podSelectors: {} }] } } }, "at '/networkPolicy/grpc/from/0': additional properties 'podSelectors' not allowed"],
    ['a string for a number', { replicaCount: 'two' }, "at '/replicaCount': got string, want integer"],
    ['a number for a boolean', { tls: { enabled: 1 } }, "at '/tls/enabled': got number, want boolean"],
    ['a log level the server does not know', { server: { logLevel: 'verbose' } }, "at '/server/logLevel': value must be one of 'error', 'warn', 'info', 'debug'"],
    ['a storage the chart does not have', { storage: { type: 'mysql' } }, "at '/storage/type': value must be one of 'memory', 'postgres', 'pglite'"],
  ])('refuses %s', (_name, values, message) => {
    const stderr = refusal(values);
    expect(stderr).toContain("values don't meet the specifications of the schema(s)");
    expect(stderr).toContain(message);
  });

  test('helm lint --strict refuses them too', () => {
    const result = helmLint({ replicas: 2 });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("additional properties 'replicas' not allowed");
  });
});

test('the chart needs Kubernetes 1.24 or later (native gRPC probes)', () => {
  expect(refusal({}, '1.23.0')).toContain('chart requires kubeVersion: >=1.24.0-0 which is incompatible with Kubernetes v1.23.0');
  expect(helmTemplate({ kubeVersion: '1.24.0' }).code).toBe(0);
});
