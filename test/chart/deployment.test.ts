import { ALL_FEATURES_VALUES, AUTOSCALING_VALUES, FULLNAME, findObject, renderObjects, type K8sObject } from './helm-chart';

function renderDeployment(values?: object, valuesFiles?: string[]): K8sObject {
  return findObject(renderObjects({ values, valuesFiles, showOnly: 'templates/deployment.yaml' }), 'Deployment', FULLNAME);
}

const podSpec = (deployment: K8sObject): K8sObject => deployment.spec.template.spec;
const server = (deployment: K8sObject): K8sObject => podSpec(deployment).containers[0];

const DEFAULT_ARGS = [
  '--address=0.0.0.0:8000',
  '--metrics-address=0.0.0.0:9402',
  '--logfmt=json',
  '--log-level=info',
  '--reflection=true',
  '--samples=true',
  '--grace-period=10s',
  '--drain-delay=5s',
  '--max-connection-age=5m',
  '--max-connection-age-grace=30s',
  '--max-connections=500',
  '--max-users=10000',
];
const TLS_DIR = '/etc/users-grpc/tls';

describe('Deployment with the default values', () => {
  const deployment = renderDeployment();

  test('one replica, rolled out without ever dropping below the ready count', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'users-grpc', 'app.kubernetes.io/instance': 'rel' });
    expect(deployment.spec.template.metadata.labels).toEqual(deployment.spec.selector.matchLabels);
  });

  test('runs users-server with JSON logs, metrics and the default grace period', () => {
    expect(server(deployment).name).toBe('users-server');
    expect(server(deployment).image).toBe('users-grpc:0.1.0');
    expect(server(deployment).command).toEqual(['users-server']);
    expect(server(deployment).args).toEqual(DEFAULT_ARGS);
    expect(server(deployment).env).toBeUndefined();
  });

  test('gives the pod 5 s more than the server takes to shut down: drain delay + grace period + 5', () => {
    expect(podSpec(deployment).terminationGracePeriodSeconds).toBe(5 + 10 + 5);
  });

  test('names the gRPC and metrics ports', () => {
    expect(server(deployment).ports).toEqual([
      { name: 'grpc', containerPort: 8000, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9402, protocol: 'TCP' },
    ]);
  });

  test('probes natively over gRPC: startup and liveness for the server, readiness for user.UserService', () => {
    expect(server(deployment).startupProbe).toEqual({ grpc: { port: 8000 }, periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 30 });
    expect(server(deployment).livenessProbe).toEqual({
      grpc: { port: 8000 },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    expect(server(deployment).readinessProbe).toEqual({
      grpc: { port: 8000, service: 'user.UserService' },
      initialDelaySeconds: 0,
      periodSeconds: 5,
      timeoutSeconds: 5,
      failureThreshold: 2,
    });
  });

  test('runs as non-root with a read-only root, no privilege escalation, no capabilities, seccomp RuntimeDefault', () => {
    expect(podSpec(deployment).securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(server(deployment).securityContext).toEqual({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  test('has resource requests and a memory limit', () => {
    expect(server(deployment).resources).toEqual({ requests: { cpu: '50m', memory: '96Mi' }, limits: { memory: '640Mi' } });
  });

  test('uses its own ServiceAccount without mounting its token', () => {
    expect(podSpec(deployment).serviceAccountName).toBe(FULLNAME);
    expect(podSpec(deployment).automountServiceAccountToken).toBe(false);
  });

  test('mounts nothing', () => {
    expect(podSpec(deployment).volumes).toBeUndefined();
    expect(server(deployment).volumeMounts).toBeUndefined();
  });
});

describe('Deployment with values changed', () => {
  test('server values become flags; extra args and env are added', () => {
    const deployment = renderDeployment({
      server: {
        logLevel: 'debug',
        reflection: false,
        samples: false,
        gracePeriodSeconds: 30,
        extraArgs: ['--samples-file=/samples/users.json'],
        extraEnv: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=192' }],
      },
    });
    expect(server(deployment).args).toEqual([
      '--address=0.0.0.0:8000',
      '--metrics-address=0.0.0.0:9402',
      '--logfmt=json',
      '--log-level=debug',
      '--reflection=false',
      '--samples=false',
      '--grace-period=30s',
      '--drain-delay=5s',
      '--max-connection-age=5m',
      '--max-connection-age-grace=30s',
      '--max-connections=500',
      '--max-users=10000',
      '--samples-file=/samples/users.json',
    ]);
    expect(server(deployment).env).toEqual([{ name: 'NODE_OPTIONS', value: '--max-old-space-size=192' }]);
    expect(podSpec(deployment).terminationGracePeriodSeconds).toBe(40);
  });

  test('connection age and drain delay from values; no startup probe when disabled', () => {
    const deployment = renderDeployment({
      server: { drainDelaySeconds: 0, maxConnectionAge: '0', maxConnectionAgeGrace: '10s' },
      probes: { startup: { enabled: false } },
    });
    expect(server(deployment).args).toEqual(expect.arrayContaining(['--drain-delay=0s', '--max-connection-age=0', '--max-connection-age-grace=10s']));
    expect(podSpec(deployment).terminationGracePeriodSeconds).toBe(15);
    expect(server(deployment).startupProbe).toBeUndefined();
  });

  test('metrics off: an empty --metrics-address and no metrics port', () => {
    const deployment = renderDeployment({ metrics: { enabled: false } });
    expect(server(deployment).args).toContain('--metrics-address=');
    expect(server(deployment).ports).toEqual([{ name: 'grpc', containerPort: 8000, protocol: 'TCP' }]);
  });

  test('autoscaling leaves the replica count to the HorizontalPodAutoscaler', () => {
    const deployment = renderDeployment(undefined, [AUTOSCALING_VALUES]);
    expect(deployment.spec.replicas).toBeUndefined();
  });

  test('image repository and tag, pod labels and annotations, scheduling and extra volumes come from values', () => {
    const deployment = renderDeployment(undefined, [ALL_FEATURES_VALUES]);
    expect(server(deployment).image).toBe('registry.example.com/users-grpc:0.1.0');
    expect(server(deployment).imagePullPolicy).toBe('Always');
    expect(podSpec(deployment).imagePullSecrets).toEqual([{ name: 'regcred' }, { name: 'mirror-cred' }]);
    expect(podSpec(deployment).priorityClassName).toBe('business-critical');
    expect(deployment.spec.revisionHistoryLimit).toBe(3);
    expect(deployment.metadata.labels['example.com/cost-centre']).toBe('directory');
    expect(deployment.spec.template.metadata.labels['example.com/cost-centre']).toBe('directory');
    expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'users-grpc', 'app.kubernetes.io/instance': 'rel' });
    expect(server(deployment).envFrom).toEqual([{ configMapRef: { name: 'users-grpc-env' } }]);
    expect(server(deployment).lifecycle).toEqual({ postStart: { exec: { command: ['users-cli', 'version'] } } });
    expect(deployment.spec.template.metadata.labels.team).toBe('directory');
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'example.com/scraped': 'true' });
    expect(podSpec(deployment).nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(podSpec(deployment).tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'directory', effect: 'NoSchedule' }]);
    expect(podSpec(deployment).affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'users-grpc' } } } },
        ],
      },
    });
    expect(podSpec(deployment).topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'users-grpc' } } },
    ]);
    expect(podSpec(deployment).volumes).toContainEqual({ name: 'samples', configMap: { name: 'users-grpc-samples' } });
    expect(server(deployment).volumeMounts).toContainEqual({ name: 'samples', mountPath: '/samples', readOnly: true });
  });
});

describe('Deployment with TLS', () => {
  const TLS_ARGS = ['--health-address=0.0.0.0:8081', `--tls-cert-file=${TLS_DIR}/tls.crt`, `--tls-key-file=${TLS_DIR}/tls.key`];

  test('TLS: the Secret mounted read-only, the server given its certificate and key, native probes on the plaintext health port', () => {
    const deployment = renderDeployment({ tls: { enabled: true, secretName: 'srv-tls' } });
    expect(server(deployment).args).toEqual([...DEFAULT_ARGS, ...TLS_ARGS]);
    expect(podSpec(deployment).volumes).toEqual([{ name: 'tls', secret: { secretName: 'srv-tls', defaultMode: 0o440 } }]);
    expect(server(deployment).volumeMounts).toEqual([{ name: 'tls', mountPath: TLS_DIR, readOnly: true }]);
    expect(server(deployment).ports).toContainEqual({ name: 'health', containerPort: 8081, protocol: 'TCP' });
    expect(server(deployment).startupProbe).toEqual({ grpc: { port: 8081 }, periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 30 });
    expect(server(deployment).livenessProbe).toEqual({ grpc: { port: 8081 }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(server(deployment).readinessProbe).toEqual({
      grpc: { port: 8081, service: 'user.UserService' },
      initialDelaySeconds: 0,
      periodSeconds: 5,
      timeoutSeconds: 5,
      failureThreshold: 2,
    });
  });

  test('no exec probe is left under TLS or mTLS', () => {
    const deployment = renderDeployment(undefined, [ALL_FEATURES_VALUES]);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      expect(server(deployment)[probe].exec).toBeUndefined();
      expect(server(deployment)[probe].grpc.port).toBe(8081);
    }
  });

  test('mTLS: --tls-client-ca-file; the server pod mounts only its own Secret (the client Secret is for the helm test)', () => {
    const deployment = renderDeployment(undefined, [ALL_FEATURES_VALUES]);
    expect(server(deployment).args).toContain(`--tls-client-ca-file=${TLS_DIR}/ca.crt`);
    expect(podSpec(deployment).volumes).toEqual([
      { name: 'tls', secret: { secretName: 'users-grpc-tls', defaultMode: 0o440 } },
      { name: 'samples', configMap: { name: 'users-grpc-samples' } },
    ]);
    expect(server(deployment).volumeMounts).toEqual([
      { name: 'tls', mountPath: TLS_DIR, readOnly: true },
      { name: 'samples', mountPath: '/samples', readOnly: true },
    ]);
  });

  test('mTLS with the server Secret as client certificate: --tls-client-ca-file from the same Secret', () => {
    const deployment = renderDeployment({ tls: { enabled: true, secretName: 'srv-tls', mtls: { enabled: true } } });
    expect(server(deployment).args).toEqual([...DEFAULT_ARGS, ...TLS_ARGS, `--tls-client-ca-file=${TLS_DIR}/ca.crt`]);
    expect(podSpec(deployment).volumes).toEqual([{ name: 'tls', secret: { secretName: 'srv-tls', defaultMode: 0o440 } }]);
  });
});
