import path from 'node:path';
import { ALL_FEATURES_VALUES, AUTOSCALING_VALUES, CHART_DIR, kindsOf, renderObjects, type K8sObject } from './helm-chart';
import { kubernetesSchemaProblems } from './kubernetes-schema';

describe('every rendered object is valid against the Kubernetes API schema', () => {
  const cases: Array<[string, () => K8sObject[], string[]]> = [
    ['default values', () => renderObjects(), ['Deployment', 'Pod', 'Service', 'Service', 'ServiceAccount']],
    [
      'every optional feature on (ci/all-features-values.yaml)',
      () => renderObjects({ valuesFiles: [ALL_FEATURES_VALUES] }),
      ['BackendTLSPolicy', 'Deployment', 'GRPCRoute', 'Ingress', 'NetworkPolicy', 'Pod', 'Service', 'Service', 'Service', 'ServiceAccount', 'ServiceMonitor'],
    ],
    [
      'several pods with autoscaling (ci/autoscaling-values.yaml)',
      () => renderObjects({ valuesFiles: [ALL_FEATURES_VALUES, AUTOSCALING_VALUES] }),
      [
        'BackendTLSPolicy', 'Deployment', 'GRPCRoute', 'HorizontalPodAutoscaler', 'Ingress', 'NetworkPolicy', 'Pod', 'PodDisruptionBudget',
        'Service', 'Service', 'Service', 'ServiceAccount', 'ServiceMonitor',
      ],
    ],
    [
      'a PodMonitor, a plaintext GRPCRoute',
      () => renderObjects({ values: { podMonitor: { enabled: true }, grpcRoute: { enabled: true, parentRefs: [{ name: 'gw' }] } } }),
      ['Deployment', 'GRPCRoute', 'Pod', 'PodMonitor', 'Service', 'Service', 'ServiceAccount'],
    ],
    [
      'PostgreSQL storage with the URL in values (a Secret of the chart), several pods',
      () => renderObjects({ values: { storage: { type: 'postgres' }, database: { url: 'postgres://app:pw@db:5432/users' }, replicaCount: 3 } }),
      ['Deployment', 'Pod', 'PodDisruptionBudget', 'Secret', 'Service', 'Service', 'ServiceAccount'],
    ],
    [
      'PGlite storage on a PersistentVolumeClaim (ci/pglite-values.yaml)',
      () => renderObjects({ valuesFiles: [path.join(CHART_DIR, 'ci/pglite-values.yaml')] }),
      ['Deployment', 'PersistentVolumeClaim', 'Pod', 'Service', 'Service', 'ServiceAccount'],
    ],
    [
      'TLS without mTLS, metrics off, no ServiceAccount',
      () => renderObjects({ values: { tls: { enabled: true, secretName: 'srv' }, metrics: { enabled: false }, serviceAccount: { create: false } } }),
      ['Deployment', 'Pod', 'Service'],
    ],
  ];

  test.each(cases)('%s', (_name, render, kinds) => {
    const objects = render();
    expect(kindsOf(objects)).toEqual(kinds);
    expect(kubernetesSchemaProblems(objects)).toEqual([]);
  });
});

describe('the schema check itself', () => {
  const [deployment] = renderObjects({ showOnly: 'templates/deployment.yaml' });

  test('reports a wrong type', () => {
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'eight thousand';
    expect(kubernetesSchemaProblems([broken])).toEqual([
      'Deployment rel-users-grpc: data/spec/template/spec/containers/0/ports/0/containerPort must be integer',
    ]);
  });

  test('reports a misspelt field, which the API server would drop silently', () => {
    const broken = structuredClone(deployment);
    const container = broken.spec.template.spec.containers[0];
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
    expect(kubernetesSchemaProblems([broken])).toEqual(['Deployment rel-users-grpc: unknown field spec.template.spec.containers[0].readinesProbe']);
  });

  test('reports a kind it has no schema for', () => {
    const problems = kubernetesSchemaProblems([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]);
    expect(problems).toEqual(['Widget w: no schema for example.com/v1 Widget', 'Widget w: unknown field (no type declared for example.com/v1 Widget in test/chart/kubernetes-schema.ts)']);
  });
});
