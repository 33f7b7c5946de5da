// Validates Kubernetes objects against the API schemas of kubernetes-models (and
// @kubernetes-models/prometheus-operator for ServiceMonitor and PodMonitor, and
// @kubernetes-models/gateway-api for GRPCRoute and BackendTLSPolicy). Those packages are
// ES modules only, which jest's CommonJS runtime cannot load, so the chart tests
// run this file with plain node: a JSON array of objects on stdin, a JSON array
// of { kind, name, error } on stdout (error null when the object is valid).
/* global process */

const MODEL_PACKAGES = {
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
};

function modelPath(apiVersion, kind) {
  const slash = apiVersion.indexOf('/');
  if (slash === -1) return `kubernetes-models/${apiVersion}/${kind}`; // the core group: "v1"
  const group = apiVersion.slice(0, slash);
  return `${MODEL_PACKAGES[group] ?? 'kubernetes-models'}/${apiVersion}/${kind}`;
}

async function validate(object) {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return 'no apiVersion or kind';
  let model;
  try {
    model = (await import(modelPath(apiVersion, kind)))[kind];
  } catch {
    return `no schema for ${apiVersion} ${kind}`;
  }
  try {
    new model(object).validate();
    return null;
  } catch (error) {
    return error.message;
  }
}

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const object of JSON.parse(input)) {
  results.push({ kind: object.kind, name: object.metadata?.name, error: await validate(object) });
}
process.stdout.write(JSON.stringify(results));
