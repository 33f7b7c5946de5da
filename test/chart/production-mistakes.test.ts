import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ALL_FEATURES_VALUES, AUTOSCALING_VALUES, CHART_DIR, FULLNAME, findObject, helmTemplate, renderNotes, renderObjects, type K8sObject } from './helm-chart';

// Mistakes that showed up only when the chart met production (issue 9, section 5):
// each is rendered here, so that the chart cannot make it again.

/** Idle RSS of users-server with the chart's args, in MiB: see "Memory request" in charts/users-grpc/README.md. */
const MEASURED_IDLE_RSS_MIB = 66;

function refusal(values: object, valuesFiles: string[] = []): string {
  const result = helmTemplate({ values, valuesFiles });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  return result.stderr;
}

const mebibytes = (quantity: string): number => {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
};

const grpcRule = (policy: K8sObject): K8sObject => policy.spec.ingress.find((rule: K8sObject) => rule.ports[0].port === 'grpc');

describe('NetworkPolicy and Prometheus', () => {
  test.each(['serviceMonitor', 'podMonitor'])('%s with a NetworkPolicy that lets no Prometheus in is refused', (monitor) => {
    expect(refusal({ networkPolicy: { enabled: true }, [monitor]: { enabled: true } })).toContain(
      `users-grpc: ${monitor}.enabled with networkPolicy.enabled needs networkPolicy.metrics.from (your Prometheus' namespace or pods): the NetworkPolicy would block every scrape.`,
    );
  });

  test('with metrics.from set, the metrics port is open to those peers', () => {
    const from = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }];
    const objects = renderObjects({ values: { networkPolicy: { enabled: true, metrics: { from } }, serviceMonitor: { enabled: true } } });
    expect(findObject(objects, 'NetworkPolicy').spec.ingress[1]).toEqual({ ports: [{ port: 'metrics', protocol: 'TCP' }], from });
  });
});

describe('NetworkPolicy, the ingress controller and the NOTES pod', () => {
  let rule: K8sObject;
  beforeAll(() => {
    rule = grpcRule(findObject(renderObjects({ valuesFiles: [ALL_FEATURES_VALUES] }), 'NetworkPolicy'));
  });

  test('ci/all-features-values.yaml lets the ingress controller and the Gateway reach gRPC', () => {
    const values = YAML.parse(readFileSync(ALL_FEATURES_VALUES, 'utf8'));
    expect(values.ingress.enabled).toBe(true);
    expect(rule.from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } });
    expect(rule.from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'infra' } } });
  });

  test("the NOTES' kubectl run pod carries a label the NetworkPolicy lets through", () => {
    const notes = renderNotes({ valuesFiles: [ALL_FEATURES_VALUES] });
    const [, key, value] = /kubectl --namespace directory run users-cli .*\n\s+--labels=([^=\s]+)=(\S+) --/.exec(notes) ?? [];
    expect(key).toBeDefined();
    expect(rule.from).toContainEqual({ podSelector: { matchLabels: { [key]: value } } });
  });

  test.each([
    ['ingress', { ingress: { enabled: true } }, 'users-grpc: ingress.enabled with networkPolicy.grpc.from set needs networkPolicy.ingressController.from'],
    ['grpcRoute', { grpcRoute: { enabled: true, parentRefs: [{ name: 'gw' }] } }, 'users-grpc: grpcRoute.enabled with networkPolicy.grpc.from set needs networkPolicy.ingressController.from'],
  ])('%s with grpc.from and no ingress controller peer is refused', (_name, values, message) => {
    const networkPolicy = { enabled: true, grpc: { from: [{ namespaceSelector: { matchLabels: { team: 'frontend' } } }] } };
    expect(refusal({ ...values, networkPolicy })).toContain(message);
  });
});

test('service.type=LoadBalancer exposes gRPC only; metrics stay on a ClusterIP Service', () => {
  const services = renderObjects({ values: { service: { type: 'LoadBalancer' } } }).filter((o) => o.kind === 'Service');
  const exposed = services.filter((s) => s.spec.type !== 'ClusterIP');
  expect(exposed.map((s) => s.spec.ports.map((p: K8sObject) => p.name))).toEqual([['grpc']]);
  expect(findObject(services, 'Service', `${FULLNAME}-metrics`).spec.type).toBe('ClusterIP');
});

describe('appProtocol under TLS', () => {
  test('is not the cleartext grpc', () => {
    const service = findObject(renderObjects({ values: { tls: { enabled: true, secretName: 's' } } }), 'Service', FULLNAME);
    expect(service.spec.ports[0].appProtocol).toBe('https');
  });

  test.each(['grpc', 'kubernetes.io/h2c'])('%s given with TLS is refused', (appProtocol) => {
    expect(refusal({ tls: { enabled: true, secretName: 's' }, service: { appProtocol } })).toContain(
      `users-grpc: service.appProtocol ${appProtocol} says cleartext, but tls.enabled serves TLS: leave it empty (https) or name a TLS protocol.`,
    );
  });
});

describe('autoscaling that can work', () => {
  const request = (objects: K8sObject[]) => mebibytes(findObject(objects, 'Deployment').spec.template.spec.containers[0].resources.requests.memory);

  test('the default memory request covers the measured idle RSS with at least 30% headroom', () => {
    expect(request(renderObjects())).toBeGreaterThanOrEqual(MEASURED_IDLE_RSS_MIB * 1.3);
  });

  test('the autoscaling example targets a memory utilization an idle pod stays under', () => {
    const objects = renderObjects({ valuesFiles: [ALL_FEATURES_VALUES, AUTOSCALING_VALUES] });
    const memory = findObject(objects, 'HorizontalPodAutoscaler').spec.metrics.find((m: K8sObject) => m.resource.name === 'memory');
    const idleUtilization = (100 * MEASURED_IDLE_RSS_MIB) / request(objects);
    // Idle pods below the target with room for traffic: the HPA does not sit at maxReplicas.
    expect(memory.resource.target.averageUtilization).toBeGreaterThanOrEqual(idleUtilization + 15);
  });

  test.each([
    ['no resources at all', { resources: null }, 'users-grpc: autoscaling.targetCPUUtilizationPercentage needs resources.requests.cpu'],
    ['no CPU request', { resources: { requests: { cpu: null } } }, 'users-grpc: autoscaling.targetCPUUtilizationPercentage needs resources.requests.cpu'],
    [
      'no memory request with a memory target',
      { resources: { requests: { memory: null } }, autoscaling: { targetMemoryUtilizationPercentage: 80 } },
      'users-grpc: autoscaling.targetMemoryUtilizationPercentage needs resources.requests.memory',
    ],
    ['no target at all', { autoscaling: { targetCPUUtilizationPercentage: null, targetMemoryUtilizationPercentage: null } }, 'users-grpc: autoscaling.enabled needs targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage.'],
  ])('refused: %s', (_name, values, message) => {
    expect(refusal(values, [AUTOSCALING_VALUES])).toContain(message);
  });
});

describe('PodDisruptionBudget that lets nodes drain', () => {
  test.each([
    [0, "at '/podDisruptionBudget/maxUnavailable'"],
    ['0%', "at '/podDisruptionBudget/maxUnavailable'"],
  ])('maxUnavailable %s is refused', (maxUnavailable, where) => {
    const stderr = refusal({ podDisruptionBudget: { maxUnavailable } }, [AUTOSCALING_VALUES]);
    expect(stderr).toContain("values don't meet the specifications of the schema(s)");
    expect(stderr).toContain(where);
  });

  test.each([2, '25%'])('maxUnavailable %s is rendered', (maxUnavailable) => {
    const objects = renderObjects({ valuesFiles: [AUTOSCALING_VALUES], values: { podDisruptionBudget: { maxUnavailable } } });
    expect(findObject(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(maxUnavailable);
  });
});

describe('image references', () => {
  const image = (values: object, valuesFiles: string[] = []) => {
    const deployment = findObject(renderObjects({ values, valuesFiles }), 'Deployment');
    return { image: deployment.spec.template.spec.containers[0].image, version: deployment.metadata.labels['app.kubernetes.io/version'] };
  };
  const digest = `sha256:${'ab12'.repeat(16)}`;

  test('a numeric tag', () => {
    expect(image({ image: { tag: 123 } })).toEqual({ image: 'users-grpc:123', version: '123' });
  });

  test('a digest pins the image', () => {
    expect(image({ image: { registry: 'registry.example.com', tag: '1.2.3', digest } })).toEqual({
      image: `registry.example.com/users-grpc@${digest}`,
      version: '1.2.3',
    });
  });

  test('global.imageRegistry wins over image.registry', () => {
    expect(image({ global: { imageRegistry: 'mirror.example.com' } }, [ALL_FEATURES_VALUES]).image).toBe('mirror.example.com/users-grpc:0.1.0');
  });

  test('a digest that is not sha256:<64 hex> is refused', () => {
    expect(refusal({ image: { digest: 'latest' } })).toContain("at '/image/digest'");
  });
});

test('as a subchart, with globals from the parent, it installs', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'users-grpc-parent-'));
  try {
    const parent = path.join(dir, 'platform');
    mkdirSync(path.join(parent, 'charts'), { recursive: true });
    writeFileSync(path.join(parent, 'Chart.yaml'), 'apiVersion: v2\nname: platform\nversion: 1.0.0\ndependencies:\n  - name: users-grpc\n    version: "*"\n');
    writeFileSync(
      path.join(parent, 'values.yaml'),
      YAML.stringify({ global: { imageRegistry: 'mirror.example.com', storageClass: 'fast' }, 'users-grpc': { server: { logLevel: 'debug' } } }),
    );
    cpSync(CHART_DIR, path.join(parent, 'charts/users-grpc'), { recursive: true });
    const objects = renderObjects({ chartDir: parent });
    const deployment = findObject(objects, 'Deployment');
    expect(deployment.spec.template.spec.containers[0].image).toBe('mirror.example.com/users-grpc:0.1.0');
    expect(deployment.spec.template.spec.containers[0].args).toContain('--log-level=debug');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
