import { ALL_FEATURES_VALUES, AUTOSCALING_VALUES, FULLNAME, findObject, kindsOf, renderObjects, type K8sObject } from './helm-chart';

const SELECTOR = { 'app.kubernetes.io/name': 'users-grpc', 'app.kubernetes.io/instance': 'rel' };
const allFeatures = renderObjects({ valuesFiles: [ALL_FEATURES_VALUES] });

describe('Service', () => {
  test('named ports grpc (appProtocol grpc) and metrics, selecting the server pods', () => {
    const service = findObject(renderObjects(), 'Service', FULLNAME);
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: SELECTOR,
      ports: [
        { name: 'grpc', port: 8000, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' },
        { name: 'metrics', port: 9402, targetPort: 'metrics', protocol: 'TCP', appProtocol: 'http' },
      ],
    });
  });

  test('no metrics port when metrics are off', () => {
    const service = findObject(renderObjects({ values: { metrics: { enabled: false } } }), 'Service');
    expect(service.spec.ports.map((p: K8sObject) => p.name)).toEqual(['grpc']);
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
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
    });
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

describe('ServiceMonitor', () => {
  test('scrapes the Service port named metrics in the release namespace, with the labels Prometheus selects', () => {
    const monitor = findObject(allFeatures, 'ServiceMonitor', FULLNAME);
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata.labels.release).toBe('prometheus');
    expect(monitor.spec).toEqual({
      selector: { matchLabels: SELECTOR },
      namespaceSelector: { matchNames: ['directory'] },
      endpoints: [{ port: 'metrics', path: '/metrics', scheme: 'http', interval: '15s', scrapeTimeout: '10s' }],
    });
  });
});

describe('NetworkPolicy', () => {
  test('gRPC from the configured peers and the helm test pod; metrics from the monitoring namespace', () => {
    const policy = findObject(allFeatures, 'NetworkPolicy', FULLNAME);
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: SELECTOR },
      policyTypes: ['Ingress'],
      ingress: [
        {
          ports: [{ port: 'grpc', protocol: 'TCP' }],
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'frontend' } } },
            {
              podSelector: {
                matchLabels: { 'app.kubernetes.io/name': 'users-grpc-test', 'app.kubernetes.io/instance': 'rel', 'app.kubernetes.io/component': 'helm-test' },
              },
            },
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

  test('is never selected by the Service, and runs as locked down as the server', () => {
    const objects = renderObjects();
    const pod = testPod(objects);
    const selector = findObject(objects, 'Service').spec.selector as Record<string, string>;
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
