import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ALL_FEATURES_VALUES, AUTOSCALING_VALUES, CHART_DIR, FULLNAME, findObject, kindsOf, renderObjects, type K8sObject } from './helm-chart';

const SELECTOR = { 'app.kubernetes.io/name': 'users-grpc', 'app.kubernetes.io/instance': 'rel' };
const allFeatures = renderObjects({ valuesFiles: [ALL_FEATURES_VALUES] });

describe('Service', () => {
  test('the port grpc (appProtocol grpc), selecting the server pods', () => {
    const service = findObject(renderObjects(), 'Service', FULLNAME);
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: SELECTOR,
      ports: [{ name: 'grpc', port: 8000, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' }],
    });
  });

  test('metrics on a ClusterIP Service of their own, labelled for the ServiceMonitor', () => {
    const service = findObject(renderObjects(), 'Service', `${FULLNAME}-metrics`);
    expect(service.metadata.labels['app.kubernetes.io/component']).toBe('metrics');
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: SELECTOR,
      ports: [{ name: 'metrics', port: 9402, targetPort: 'metrics', protocol: 'TCP', appProtocol: 'http' }],
    });
  });

  test('no metrics Service when metrics are off', () => {
    const objects = renderObjects({ values: { metrics: { enabled: false } } });
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual([FULLNAME]);
  });

  test('a headless Service when asked: clusterIP None, the gRPC port, for dns:/// with round_robin', () => {
    expect(renderObjects().map((o) => o.metadata.name)).not.toContain(`${FULLNAME}-headless`);
    const headless = findObject(renderObjects({ values: { service: { headless: { enabled: true }, annotations: { a: 'b' } } } }), 'Service', `${FULLNAME}-headless`);
    expect(headless.metadata.annotations).toEqual({ a: 'b' });
    expect(headless.spec).toEqual({
      type: 'ClusterIP',
      clusterIP: 'None',
      selector: SELECTOR,
      ports: [{ name: 'grpc', port: 8000, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' }],
    });
  });

  test.each([
    ['plaintext', {}, 'grpc'],
    ['plaintext behind a GRPCRoute (Gateway API cleartext HTTP/2)', { grpcRoute: { enabled: true, parentRefs: [{ name: 'gw' }] } }, 'kubernetes.io/h2c'],
    ['TLS', { tls: { enabled: true, secretName: 's' } }, 'https'],
    ['TLS behind a GRPCRoute', { tls: { enabled: true, secretName: 's' }, grpcRoute: { enabled: true, parentRefs: [{ name: 'gw' }] } }, 'https'],
    ['a value given', { service: { appProtocol: 'example.com/grpc' } }, 'example.com/grpc'],
  ])('appProtocol, %s: %s', (_name, values, appProtocol) => {
    const objects = renderObjects({ values: { ...values, service: { headless: { enabled: true }, ...(values as K8sObject).service } } });
    for (const name of [FULLNAME, `${FULLNAME}-headless`]) {
      expect(findObject(objects, 'Service', name).spec.ports[0].appProtocol).toBe(appProtocol);
    }
  });
});

describe('ServiceAccount', () => {
  test('never mounts its token', () => {
    const account = findObject(renderObjects(), 'ServiceAccount', FULLNAME);
    expect(account.automountServiceAccountToken).toBe(false);
  });

  test('none with serviceAccount.create false: the pod uses the one named, or default', () => {
    const objects = renderObjects({ values: { serviceAccount: { create: false } } });
    expect(kindsOf(objects)).not.toContain('ServiceAccount');
    expect(findObject(objects, 'Deployment').spec.template.spec.serviceAccountName).toBe('default');
  });
});

describe('Ingress', () => {
  test('none by default', () => {
    expect(kindsOf(renderObjects())).not.toContain('Ingress');
  });

  test('networking.k8s.io/v1 with class, TLS and the backend-protocol annotation for ingress-nginx: GRPCS to a TLS server', () => {
    const ingress = findObject(allFeatures, 'Ingress', FULLNAME);
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/backend-protocol': 'GRPCS',
      'nginx.ingress.kubernetes.io/proxy-ssl-secret': 'directory/users-grpc-probe-client-tls',
    });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ secretName: 'users-grpc-ingress-tls', hosts: ['users.example.com'] }],
      rules: [
        {
          host: 'users.example.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: FULLNAME, port: { name: 'grpc' } } } }] },
        },
      ],
    });
  });

  test('GRPC to a plaintext server; annotations given in values win', () => {
    const plain = findObject(renderObjects({ values: { ingress: { enabled: true } } }), 'Ingress');
    expect(plain.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC' });
    expect(plain.spec.ingressClassName).toBeUndefined();
    const overridden = findObject(
      renderObjects({ values: { ingress: { enabled: true, annotations: { 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTP' } } } }),
      'Ingress',
    );
    expect(overridden.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTP' });
  });
});

describe('HorizontalPodAutoscaler and PodDisruptionBudget', () => {
  const scaled = renderObjects({ valuesFiles: [AUTOSCALING_VALUES] });

  test('autoscaling/v2 on the Deployment, by CPU and memory', () => {
    const hpa = findObject(scaled, 'HorizontalPodAutoscaler', FULLNAME);
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: FULLNAME },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 75 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 90 } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    });
  });

  test('on memory alone when the CPU target is null', () => {
    const hpa = findObject(
      renderObjects({ valuesFiles: [AUTOSCALING_VALUES], values: { autoscaling: { targetCPUUtilizationPercentage: null, behavior: null } } }),
      'HorizontalPodAutoscaler',
    );
    expect(hpa.spec.metrics.map((m: K8sObject) => m.resource.name)).toEqual(['memory']);
    expect(hpa.spec.behavior).toBeUndefined();
  });

  test('a PodDisruptionBudget when several pods run, with autoscaling or replicaCount > 1', () => {
    expect(findObject(scaled, 'PodDisruptionBudget', FULLNAME).spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: SELECTOR } });
    const twoReplicas = renderObjects({ values: { replicaCount: 2, storage: { type: 'memory', memory: { allowMultipleReplicas: true } } } });
    expect(findObject(twoReplicas, 'Deployment').spec.replicas).toBe(2);
    expect(kindsOf(twoReplicas)).toContain('PodDisruptionBudget');
  });

  test('no PodDisruptionBudget for a single pod (it would block node drains), nor when disabled', () => {
    expect(kindsOf(allFeatures)).not.toContain('PodDisruptionBudget');
    expect(kindsOf(renderObjects({ valuesFiles: [AUTOSCALING_VALUES], values: { podDisruptionBudget: { enabled: false } } }))).not.toContain(
      'PodDisruptionBudget',
    );
  });
});

describe('ServiceMonitor and PodMonitor', () => {
  test('ServiceMonitor: the metrics Service of the release namespace, from the namespace Prometheus watches, with job label and relabelings', () => {
    const monitor = findObject(allFeatures, 'ServiceMonitor', FULLNAME);
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata.namespace).toBe('monitoring');
    expect(monitor.metadata.labels.release).toBe('prometheus');
    expect(monitor.spec).toEqual({
      jobLabel: 'app.kubernetes.io/name',
      selector: { matchLabels: { ...SELECTOR, 'app.kubernetes.io/component': 'metrics' } },
      namespaceSelector: { matchNames: ['directory'] },
      endpoints: [
        {
          port: 'metrics',
          path: '/metrics',
          scheme: 'http',
          interval: '15s',
          scrapeTimeout: '10s',
          relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }],
          metricRelabelings: [{ sourceLabels: ['__name__'], regex: 'nodejs_gc_.*', action: 'drop' }],
        },
      ],
    });
  });

  test('ServiceMonitor defaults: the release namespace, no job label, no relabelings', () => {
    const monitor = findObject(renderObjects({ values: { serviceMonitor: { enabled: true } } }), 'ServiceMonitor');
    expect(monitor.metadata.namespace).toBe('directory');
    expect(monitor.spec.jobLabel).toBeUndefined();
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', scheme: 'http', interval: '30s', scrapeTimeout: '10s' }]);
  });

  test("PodMonitor: the pods' metrics port directly", () => {
    const objects = renderObjects({ values: { podMonitor: { enabled: true, namespace: 'monitoring', labels: { release: 'prometheus' }, jobLabel: 'team' } } });
    expect(kindsOf(objects)).not.toContain('ServiceMonitor');
    const monitor = findObject(objects, 'PodMonitor', FULLNAME);
    expect(monitor.metadata.namespace).toBe('monitoring');
    expect(monitor.metadata.labels.release).toBe('prometheus');
    expect(monitor.spec).toEqual({
      jobLabel: 'team',
      selector: { matchLabels: SELECTOR },
      namespaceSelector: { matchNames: ['directory'] },
      podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', scheme: 'http', interval: '30s', scrapeTimeout: '10s' }],
    });
  });
});

describe('Gateway API', () => {
  const gatewayValues = { grpcRoute: { enabled: true, parentRefs: [{ name: 'gateway', namespace: 'infra' }] } };

  test('GRPCRoute: by default one rule, everything to the Service gRPC port', () => {
    const route = findObject(renderObjects({ values: gatewayValues }), 'GRPCRoute', FULLNAME);
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec).toEqual({ parentRefs: [{ name: 'gateway', namespace: 'infra' }], rules: [{ backendRefs: [{ name: FULLNAME, port: 8000 }] }] });
  });

  test('GRPCRoute: hostnames and rules from values; rules without backendRefs go to the Service', () => {
    const route = findObject(allFeatures, 'GRPCRoute', FULLNAME);
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'gateway', namespace: 'infra', sectionName: 'https' }],
      hostnames: ['users.example.com'],
      rules: [
        { matches: [{ method: { service: 'user.UserService' } }], backendRefs: [{ name: FULLNAME, port: 8000 }] },
        { matches: [{ method: { service: 'grpc.health.v1.Health' } }], backendRefs: [{ name: FULLNAME, port: 8000 }] },
      ],
    });
  });

  test('BackendTLSPolicy under TLS: TLS to the Service port grpc, verified as tls.serverName with the CA ConfigMap', () => {
    const policy = findObject(allFeatures, 'BackendTLSPolicy', FULLNAME);
    expect(policy.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(policy.spec).toEqual({
      targetRefs: [{ group: '', kind: 'Service', name: FULLNAME, sectionName: 'grpc' }],
      validation: { hostname: 'users-grpc.example.internal', caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'users-grpc-ca' }] },
    });
  });

  test('BackendTLSPolicy without CA references: the system CAs; none without TLS or when disabled', () => {
    const tls = { tls: { enabled: true, secretName: 's' } };
    const policy = findObject(renderObjects({ values: { ...gatewayValues, ...tls } }), 'BackendTLSPolicy');
    expect(policy.spec.validation).toEqual({ hostname: 'rel-users-grpc.directory.svc', wellKnownCACertificates: 'System' });
    expect(kindsOf(renderObjects({ values: gatewayValues }))).not.toContain('BackendTLSPolicy');
    expect(kindsOf(renderObjects({ values: { ...gatewayValues, ...tls, backendTLSPolicy: { enabled: false } } }))).not.toContain('BackendTLSPolicy');
  });
});

describe('NetworkPolicy', () => {
  test('gRPC from the configured peers, the ingress controller and Gateway, and client-labelled pods; metrics from the monitoring namespace', () => {
    const policy = findObject(allFeatures, 'NetworkPolicy', FULLNAME);
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: SELECTOR },
      policyTypes: ['Ingress'],
      ingress: [
        {
          ports: [{ port: 'grpc', protocol: 'TCP' }],
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'frontend' } } },
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'infra' } } },
            { podSelector: { matchLabels: { 'rel-users-grpc-client': 'true' } } },
          ],
        },
        { ports: [{ port: 'metrics', protocol: 'TCP' }], from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] },
      ],
    });
  });

  test('with no peers configured: gRPC from anywhere, metrics from nobody', () => {
    const policy = findObject(renderObjects({ values: { networkPolicy: { enabled: true } } }), 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([{ ports: [{ port: 'grpc', protocol: 'TCP' }] }]);
  });
});

describe('helm test pod', () => {
  const testPod = (objects: K8sObject[]) => findObject(objects, 'Pod', `${FULLNAME}-test`);

  test('a test hook that asks for health, then lists the users, with users-cli from the release image', () => {
    const pod = testPod(renderObjects());
    expect(pod.metadata.annotations).toEqual({ 'helm.sh/hook': 'test', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' });
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.initContainers.map((c: K8sObject) => [c.name, c.image, c.command])).toEqual([
      ['health', 'users-grpc:0.1.0', ['users-cli', `--address=${FULLNAME}:8000`, '--timeout=10s', 'health']],
    ]);
    expect(pod.spec.containers.map((c: K8sObject) => [c.name, c.image, c.command])).toEqual([
      ['list', 'users-grpc:0.1.0', ['users-cli', `--address=${FULLNAME}:8000`, '--timeout=10s', 'list']],
    ]);
    expect(pod.spec.volumes).toBeUndefined();
  });

  test('carries the client label the NetworkPolicy lets through', () => {
    expect(testPod(renderObjects()).metadata.labels['rel-users-grpc-client']).toBe('true');
  });

  test('is never selected by the Service, and runs as locked down as the server', () => {
    const objects = renderObjects();
    const pod = testPod(objects);
    const selector = findObject(objects, 'Service', FULLNAME).spec.selector as Record<string, string>;
    expect(Object.entries(selector).every(([key, value]) => pod.metadata.labels[key] === value)).toBe(false);
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(pod.spec.containers[0].securityContext).toEqual({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  test('over mTLS: TLS flags, only ca.crt from the server Secret, and the client certificate', () => {
    const pod = testPod(allFeatures);
    expect(pod.spec.containers[0].command).toEqual([
      'users-cli',
      `--address=${FULLNAME}:8000`,
      '--timeout=10s',
      '--tls',
      '--servername=users-grpc.example.internal',
      '--cacert=/etc/users-grpc/tls/ca.crt',
      '--cert=/etc/users-grpc/client-tls/tls.crt',
      '--key=/etc/users-grpc/client-tls/tls.key',
      'list',
    ]);
    expect(pod.spec.volumes).toEqual([
      { name: 'tls', secret: { secretName: 'users-grpc-tls', defaultMode: 0o440, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { name: 'client-tls', secret: { secretName: 'users-grpc-probe-client-tls', defaultMode: 0o440 } },
    ]);
    expect(pod.spec.initContainers[0].volumeMounts).toEqual(pod.spec.containers[0].volumeMounts);
    expect(pod.spec.containers[0].volumeMounts).toEqual([
      { name: 'tls', mountPath: '/etc/users-grpc/tls', readOnly: true },
      { name: 'client-tls', mountPath: '/etc/users-grpc/client-tls', readOnly: true },
    ]);
  });

  test('over mTLS with the server Secret as client certificate: the whole Secret', () => {
    const pod = testPod(renderObjects({ values: { tls: { enabled: true, secretName: 'srv-tls', mtls: { enabled: true } } } }));
    expect(pod.spec.volumes).toEqual([{ name: 'tls', secret: { secretName: 'srv-tls', defaultMode: 0o440 } }]);
    expect(pod.spec.containers[0].command).toContain('--cert=/etc/users-grpc/tls/tls.crt');
  });

  test('over TLS with public roots: no volume at all', () => {
    const pod = testPod(renderObjects({ values: { tls: { enabled: true, secretName: 'srv-tls', caFromSecret: false } } }));
    expect(pod.spec.volumes).toBeUndefined();
    expect(pod.spec.containers[0].command).toEqual([
      'users-cli',
      `--address=${FULLNAME}:8000`,
      '--timeout=10s',
      '--tls',
      '--servername=rel-users-grpc.directory.svc',
      'list',
    ]);
  });
});

describe('conventions operators rely on', () => {
  test('commonLabels on every object, never in a selector', () => {
    const objects = renderObjects({ valuesFiles: [ALL_FEATURES_VALUES, AUTOSCALING_VALUES] });
    for (const object of objects) expect([object.kind, object.metadata.labels['example.com/cost-centre']]).toEqual([object.kind, 'directory']);
    for (const object of objects.filter((o) => o.spec?.selector)) {
      const selector = object.spec.selector.matchLabels ?? object.spec.selector;
      expect([object.kind, selector['example.com/cost-centre']]).toEqual([object.kind, undefined]);
    }
  });

  test('Chart.yaml has home, sources, maintainers and an icon', () => {
    const chart = YAML.parse(readFileSync(path.join(CHART_DIR, 'Chart.yaml'), 'utf8'));
    expect(chart.home).toMatch(/^https:\/\//);
    expect(chart.sources).toEqual([expect.stringMatching(/^https:\/\//)]);
    expect(chart.maintainers).toEqual([{ name: expect.any(String), email: expect.stringContaining('@') }]);
    expect(chart.icon).toMatch(/^data:image\/svg\+xml;base64,/);
  });
});
