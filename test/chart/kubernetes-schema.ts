import { spawnSync } from 'node:child_process';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from '../support/processes';
import type { K8sObject } from './helm-chart';

const VALIDATOR = path.join(__dirname, 'validate-kubernetes-objects.mjs');

/**
 * Every problem with these objects against the Kubernetes API schemas, one
 * line each (`Kind name: problem`); empty when all are valid. Two checks:
 * kubernetes-models' validators (types, required fields, enums), and unknown
 * field names, which those validators let through (the API server would drop
 * such a field silently, e.g. a misspelt probe).
 */
export function kubernetesSchemaProblems(objects: K8sObject[]): string[] {
  const problems = modelValidationProblems(objects);
  for (const object of objects) {
    for (const field of unknownFields(object)) problems.push(`${object.kind} ${object.metadata?.name}: unknown field ${field}`);
  }
  return problems;
}

function modelValidationProblems(objects: K8sObject[]): string[] {
  const result = spawnSync(process.execPath, [VALIDATOR], { input: JSON.stringify(objects), encoding: 'utf8', cwd: ROOT, timeout: 20_000 });
  if (result.status !== 0) throw new Error(`${VALIDATOR} failed (exit ${result.status}): ${result.stderr}`);
  const results = JSON.parse(result.stdout) as Array<{ kind: string; name: string; error: string | null }>;
  return results.filter((r) => r.error !== null).map((r) => `${r.kind} ${r.name}: ${r.error}`);
}

/** The TypeScript interface of each kind the chart renders, from the models' type declarations. */
const MODEL_TYPES: Record<string, string> = {
  'v1/Service': "import('kubernetes-models/v1/Service').IService",
  'v1/ServiceAccount': "import('kubernetes-models/v1/ServiceAccount').IServiceAccount",
  'v1/Pod': "import('kubernetes-models/v1/Pod').IPod",
  'v1/Secret': "import('kubernetes-models/v1/Secret').ISecret",
  'v1/PersistentVolumeClaim': "import('kubernetes-models/v1/PersistentVolumeClaim').IPersistentVolumeClaim",
  'apps/v1/Deployment': "import('kubernetes-models/apps/v1/Deployment').IDeployment",
  'networking.k8s.io/v1/Ingress': "import('kubernetes-models/networking.k8s.io/v1/Ingress').IIngress",
  'networking.k8s.io/v1/NetworkPolicy': "import('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').INetworkPolicy",
  'autoscaling/v2/HorizontalPodAutoscaler': "import('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler').IHorizontalPodAutoscaler",
  'policy/v1/PodDisruptionBudget': "import('kubernetes-models/policy/v1/PodDisruptionBudget').IPodDisruptionBudget",
  'monitoring.coreos.com/v1/ServiceMonitor': "import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor').IServiceMonitor",
  'monitoring.coreos.com/v1/PodMonitor': "import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor').IPodMonitor",
  'gateway.networking.k8s.io/v1/GRPCRoute': "import('@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GRPCRoute').IGRPCRoute",
  'gateway.networking.k8s.io/v1/BackendTLSPolicy': "import('@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/BackendTLSPolicy').IBackendTLSPolicy",
};

let typeTable: { checker: ts.TypeChecker; types: Map<string, ts.Type> } | undefined;

/** Compiles, once, a file declaring one type alias per kind, and keeps the checker. */
function modelTypes() {
  if (typeTable) return typeTable;
  const fileName = path.join(ROOT, 'test/chart/__kubernetes_models__.ts');
  const keys = Object.keys(MODEL_TYPES);
  const source = keys.map((key, i) => `export type M${i} = ${MODEL_TYPES[key]};`).join('\n');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, types: [], module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === fileName ? source : readFile(name));
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || exists(name);
  const program = ts.createProgram([fileName], options, host);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(fileName)!;
  const types = new Map<string, ts.Type>();
  file.statements.forEach((statement, i) => {
    const type = checker.getTypeAtLocation((statement as ts.TypeAliasDeclaration).name);
    if (type.flags & ts.TypeFlags.Any) throw new Error(`cannot resolve ${MODEL_TYPES[keys[i]]}`);
    types.set(keys[i], type);
  });
  typeTable = { checker, types };
  return typeTable;
}

/** Paths of fields that the object's type does not declare. */
function unknownFields(object: K8sObject): string[] {
  const { checker, types } = modelTypes();
  const type = types.get(`${object.apiVersion}/${object.kind}`);
  if (!type) return [`(no type declared for ${object.apiVersion} ${object.kind} in test/chart/kubernetes-schema.ts)`];
  const found: string[] = [];
  walk(checker, object, type, '', found);
  return found;
}

function walk(checker: ts.TypeChecker, value: unknown, declared: ts.Type, at: string, found: string[]): void {
  if (value === null || typeof value !== 'object') return; // scalars: the models' validators check them
  const type = checker.getNonNullableType(declared);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
  if (type.isUnion()) {
    // e.g. IntOrString; with several object shapes, the value must fit one of them.
    const shapes = type.types.filter((t) => t.flags & ts.TypeFlags.Object);
    const attempts = shapes.map((shape) => {
      const sub: string[] = [];
      walk(checker, value, shape, at, sub);
      return sub;
    });
    if (attempts.length > 0 && attempts.every((a) => a.length > 0)) found.push(...attempts[0]);
    return;
  }
  if (Array.isArray(value)) {
    const element = checker.getIndexTypeOfType(type, ts.IndexKind.Number);
    if (element) value.forEach((item, i) => walk(checker, item, element, `${at}[${i}]`, found));
    return;
  }
  const mapValue = checker.getIndexTypeOfType(type, ts.IndexKind.String);
  const properties = checker.getPropertiesOfType(type);
  for (const [key, child] of Object.entries(value)) {
    const property = properties.find((p) => p.name === key);
    const where = at ? `${at}.${key}` : key;
    if (property) walk(checker, child, checker.getTypeOfSymbol(property), where, found);
    else if (mapValue) walk(checker, child, mapValue, where, found);
    else if (properties.length > 0) found.push(where);
  }
}
