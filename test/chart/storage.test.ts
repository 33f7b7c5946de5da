import { CHART_DIR, FULLNAME, findObject, helmTemplate, kindsOf, renderObjects, type K8sObject } from './helm-chart';
import { createHash } from 'node:crypto';
import path from 'node:path';

// The three storage modes: memory, PostgreSQL (database.*), PGlite on a volume (persistence.*).
const POSTGRES_VALUES = path.join(CHART_DIR, 'ci/postgres-values.yaml');
const PGLITE_VALUES = path.join(CHART_DIR, 'ci/pglite-values.yaml');
const server = (deployment: K8sObject): K8sObject => deployment.spec.template.spec.containers[0];

function refusal(values: object): string {
  const result = helmTemplate({ values });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  return result.stderr;
}

describe('memory (the default)', () => {
  const objects = renderObjects();
  const deployment = findObject(objects, 'Deployment', FULLNAME);

  test('no database, no volume, no Secret, no claim, no checksum annotation', () => {
    expect(deployment.spec.template.metadata.annotations).toBeUndefined();
    expect(server(deployment).env).toBeUndefined();
    expect(server(deployment).args.filter((a: string) => a.startsWith('--database'))).toEqual([]);
    expect(deployment.spec.template.spec.volumes).toBeUndefined();
    expect(kindsOf(objects)).not.toContain('Secret');
    expect(kindsOf(objects)).not.toContain('PersistentVolumeClaim');
  });
});

describe('postgres with an existing Secret', () => {
  const objects = renderObjects({ valuesFiles: [POSTGRES_VALUES] });
  const deployment = findObject(objects, 'Deployment', FULLNAME);

  test('DATABASE_URL comes from the Secret and key given; the pool size is a flag', () => {
    expect(server(deployment).env).toEqual([{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'users-grpc-postgres', key: 'database-url' } } }]);
    expect(server(deployment).args).toContain('--database-pool-size=10');
    expect(server(deployment).args.filter((a: string) => a.startsWith('--database-url'))).toEqual([]);
  });

  test('no checksum annotation: the chart cannot read the Secret (README: kubectl rollout restart, or a podAnnotations checksum)', () => {
    expect(deployment.spec.template.metadata.annotations).toBeUndefined();
    const annotated = renderObjects({ valuesFiles: [POSTGRES_VALUES], values: { podAnnotations: { 'checksum/database-secret': 'abc123' } } });
    expect(findObject(annotated, 'Deployment', FULLNAME).spec.template.metadata.annotations).toEqual({ 'checksum/database-secret': 'abc123' });
  });

  test('several pods: the HPA and the PDB render, with a rolling update', () => {
    expect(findObject(objects, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 2, maxReplicas: 8 });
    expect(findObject(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(deployment.spec.strategy.type).toBe('RollingUpdate');
    // Not the chart's to create: the Secret exists.
    expect(kindsOf(objects)).not.toContain('Secret');
  });

  test("at its most pods (maxReplicas and a rolling update's surge), the pools fit PostgreSQL's default max_connections (100, 3 for superusers)", () => {
    const pods = findObject(objects, 'HorizontalPodAutoscaler').spec.maxReplicas + deployment.spec.strategy.rollingUpdate.maxSurge;
    const poolSize = Number(/^--database-pool-size=(\d+)$/.exec(server(deployment).args.find((a: string) => a.startsWith('--database-pool-size=')))![1]);
    expect(pods * poolSize).toBeLessThanOrEqual(97);
  });

  test('replicaCount > 1 without autoscaling', () => {
    const scaled = findObject(renderObjects({ values: { storage: { type: 'postgres' }, database: { existingSecret: 's' }, replicaCount: 3 } }), 'Deployment', FULLNAME);
    expect(scaled.spec.replicas).toBe(3);
  });
});

describe('postgres with database.url', () => {
  const url = 'postgres://app:s3cret@db.internal:5432/users?sslmode=require';
  const result = helmTemplate({ values: { storage: { type: 'postgres' }, database: { url } } });
  const objects = renderObjects({ values: { storage: { type: 'postgres' }, database: { url } } });
  const deployment = findObject(objects, 'Deployment', FULLNAME);

  test('the chart keeps the URL in a Secret of its own, and the Deployment names it', () => {
    const secret = findObject(objects, 'Secret', `${FULLNAME}-database`);
    expect(secret.stringData).toEqual({ url });
    expect(server(deployment).env).toEqual([{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: `${FULLNAME}-database`, key: 'url' } } }]);
  });

  test.each(['POSTGRES://app@db/users', 'PostgreSQL://app@db/users'])('the scheme in any case, as users-server takes it: %s', (other) => {
    expect(findObject(renderObjects({ values: { storage: { type: 'postgres' }, database: { url: other } } }), 'Secret').stringData).toEqual({ url: other });
  });

  test('the pod template carries a checksum of the URL: a new database.url rolls the pods, the same one does not', () => {
    const annotationsFor = (values: object) => findObject(renderObjects({ values }), 'Deployment', FULLNAME).spec.template.metadata.annotations;
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'checksum/database-secret': sha256(url) });
    const other = 'postgres://app:n3w-secret@db.internal:5432/users?sslmode=require';
    expect(annotationsFor({ storage: { type: 'postgres' }, database: { url: other } })).toEqual({ 'checksum/database-secret': sha256(other) });
    expect(annotationsFor({ storage: { type: 'postgres' }, database: { url }, podAnnotations: { team: 'directory' } })).toEqual({
      'checksum/database-secret': sha256(url),
      team: 'directory',
    });
  });

  test('the password appears nowhere but in that Secret', () => {
    const documents = result.stdout.split(/^---$/m).filter((doc) => doc.includes('s3cret'));
    expect(documents).toHaveLength(1);
    expect(documents[0]).toContain('kind: Secret');
  });
});

describe('pglite on a PersistentVolumeClaim', () => {
  const objects = renderObjects({ valuesFiles: [PGLITE_VALUES] });
  const deployment = findObject(objects, 'Deployment', FULLNAME);

  test('one pod, strategy Recreate, the data directory on the claim', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(server(deployment).args).toContain('--database-url=pglite:/var/lib/users-grpc/pglite');
    expect(server(deployment).volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/users-grpc' });
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: `${FULLNAME}-data` } });
  });

  test('the claim: size, class, access mode, kept on uninstall', () => {
    const claim = findObject(objects, 'PersistentVolumeClaim', `${FULLNAME}-data`);
    expect(claim.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '5Gi' } } });
  });

  // Every quantity Kubernetes takes, compared by its value: exponents, fractions, a YAML number, huge ones.
  test.each<string | number>(['768Mi', '1Gi', '1073741824', '2G', '1e9', '1E9', '0.75Gi', '.75Gi', '+1Gi', 805306368, '1Ei', '1e400', '805306368000m'])(
    'a memory limit of %s is enough',
    (memory) => {
      expect(helmTemplate({ valuesFiles: [PGLITE_VALUES], values: { resources: { limits: { memory } } } })).toMatchObject({ code: 0, stderr: '' });
    },
  );

  test.each(['8e8', '768000k', '767Mi', '1e-3', '0.5Gi', 805306367])('a memory limit of %s (under 768 MiB) is refused', (memory) => {
    const result = helmTemplate({ valuesFiles: [PGLITE_VALUES], values: { resources: { limits: { memory } } } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`users-grpc: storage.type is pglite, but resources.limits.memory is ${memory}: PGlite`);
  });

  test.each(['ReadWriteOnce', 'ReadWriteOncePod'])('the access mode %s', (mode) => {
    const claim = findObject(renderObjects({ valuesFiles: [PGLITE_VALUES], values: { persistence: { accessModes: [mode] } } }), 'PersistentVolumeClaim');
    expect(claim.spec.accessModes).toEqual([mode]);
  });

  test('a size in any quantity form', () => {
    const claim = findObject(renderObjects({ valuesFiles: [PGLITE_VALUES], values: { persistence: { size: '5e9' } } }), 'PersistentVolumeClaim');
    expect(claim.spec.resources.requests.storage).toBe('5e9');
  });

  test('an existing claim instead', () => {
    const rendered = renderObjects({ valuesFiles: [PGLITE_VALUES], values: { persistence: { existingClaim: 'users-data' } } });
    expect(kindsOf(rendered)).not.toContain('PersistentVolumeClaim');
    expect(findObject(rendered, 'Deployment', FULLNAME).spec.template.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'users-data' } });
  });
});

describe('storage combinations the chart refuses, each with a one-line reason', () => {
  test.each([
    [
      'several pods on memory',
      { replicaCount: 2 },
      'users-grpc: replicaCount is 2, but storage.type is memory: each pod would keep its own users. Set storage.type=postgres (with database.url or database.existingSecret) to run several pods, or storage.memory.allowMultipleReplicas=true if clients only read the sample users.',
    ],
    [
      'several pods on pglite',
      { storage: { type: 'pglite' }, persistence: { enabled: true }, autoscaling: { enabled: true } },
      'users-grpc: autoscaling.enabled is true, but storage.type is pglite: its data directory belongs to one pod. Set storage.type=postgres to run several pods.',
    ],
    [
      'pglite with the default memory limit',
      { storage: { type: 'pglite' }, persistence: { enabled: true } },
      'users-grpc: storage.type is pglite, but resources.limits.memory is 640Mi: PGlite (PostgreSQL in WebAssembly) takes about 300 MiB idle and 500 MiB under load. Set resources.limits.memory to 768Mi or more.',
    ],
    [
      'pglite with 800M (763 MiB)',
      { storage: { type: 'pglite' }, persistence: { enabled: true }, resources: { limits: { memory: '800M' } } },
      'users-grpc: storage.type is pglite, but resources.limits.memory is 800M:',
    ],
    ['pglite without a volume', { storage: { type: 'pglite' } }, 'users-grpc: storage.type is pglite, but persistence.enabled is false: without a volume the users go with the pod. Set persistence.enabled=true.'],
    ['a volume without pglite', { persistence: { enabled: true } }, 'users-grpc: persistence.enabled is for storage.type=pglite; storage.type is memory.'],
    ['postgres without a URL', { storage: { type: 'postgres' } }, 'users-grpc: storage.type is postgres: set database.existingSecret (a Secret with the URL under database.secretKey) or database.url.'],
    ['both a URL and a Secret', { storage: { type: 'postgres' }, database: { url: 'postgres://db/x', existingSecret: 's' } }, 'users-grpc: set database.url or database.existingSecret, not both.'],
    ['a URL without postgres', { database: { url: 'postgres://db/x' } }, 'users-grpc: database.url and database.existingSecret are for storage.type=postgres; storage.type is memory.'],
    ['a URL of another database', { storage: { type: 'postgres' }, database: { url: 'mysql://db/x' } }, 'users-grpc: database.url must start with postgres:// or postgresql://.'],
  ])('%s', (_name, values, message) => {
    expect(refusal(values)).toContain(message);
  });

  test.each([
    ['an unknown storage type', { storage: { type: 'sqlite' } }, "at '/storage/type': value must be one of 'memory', 'postgres', 'pglite'"],
    ['a pool size of 0', { database: { poolSize: 0 } }, "at '/database/poolSize': minimum: got 0, want 1"],
    ['a size that is not a quantity', { persistence: { size: 'big' } }, "at '/persistence/size'"],
    ['an unknown database key', { database: { password: 'x' } }, "at '/database': additional properties 'password' not allowed"],
    ['a memory limit that is not a quantity (1e3M)', { resources: { limits: { memory: '1e3M' } } }, "at '/resources/limits/memory': '1e3M' does not match pattern"],
    ['a memory request that is not a quantity (1.5E3Mi)', { resources: { requests: { memory: '1.5E3Mi' } } }, "at '/resources/requests/memory': '1.5E3Mi' does not match pattern"],
    ['a negative memory limit', { resources: { limits: { memory: -1 } } }, "at '/resources/limits/memory': minimum: got -1, want 0"],
    ['ReadOnlyMany for the data directory', { persistence: { accessModes: ['ReadOnlyMany'] } }, "at '/persistence/accessModes/0': value must be one of 'ReadWriteOnce', 'ReadWriteOncePod'"],
    ['ReadWriteMany for the data directory', { persistence: { accessModes: ['ReadWriteMany'] } }, "at '/persistence/accessModes/0': value must be one of 'ReadWriteOnce', 'ReadWriteOncePod'"],
    ['an access mode twice', { persistence: { accessModes: ['ReadWriteOnce', 'ReadWriteOnce'] } }, "at '/persistence/accessModes': items at 0 and 1 are equal"],
    ['a Secret name that is not one (Bad_Name)', { database: { existingSecret: 'Bad_Name' } }, "at '/database/existingSecret': 'Bad_Name' does not match pattern"],
    ['a Secret name over 253 characters', { database: { existingSecret: 'a'.repeat(254) } }, "at '/database/existingSecret': maxLength: got 254, want 253"],
    ['a Secret key with a slash', { database: { secretKey: 'db/url' } }, "at '/database/secretKey': 'db/url' does not match pattern"],
    ['a claim name that is not one', { persistence: { existingClaim: 'Data' } }, "at '/persistence/existingClaim': 'Data' does not match pattern"],
  ])('values.schema.json refuses %s', (_name, values, message) => {
    expect(refusal(values)).toContain(message);
  });
});

describe('sample users: loaded into the in-memory store by default, never into a database unless asked', () => {
  const samplesFlag = (valuesFiles: string[], values: object = {}) =>
    server(findObject(renderObjects({ valuesFiles, values }), 'Deployment', FULLNAME)).args.filter((a: string) => a.startsWith('--samples'));

  test.each<[string, string[]]>([
    ['memory', []],
    ['postgres', [POSTGRES_VALUES]],
    ['pglite', [PGLITE_VALUES]],
  ])('%s: by default, and as asked', (type, valuesFiles) => {
    expect(samplesFlag(valuesFiles)).toEqual([`--samples=${type === 'memory'}`]);
    expect(samplesFlag(valuesFiles, { server: { samples: true } })).toEqual(['--samples=true']);
    expect(samplesFlag(valuesFiles, { server: { samples: false } })).toEqual(['--samples=false']);
    // A samples file asks for samples (users-server refuses one with --samples=false).
    expect(samplesFlag(valuesFiles, { server: { extraArgs: ['--samples-file=/samples/users.json'] } })).toEqual(['--samples=true', '--samples-file=/samples/users.json']);
    expect(samplesFlag(valuesFiles, { server: { extraEnv: [{ name: 'SAMPLES_FILE', value: '/samples/users.json' }] } })).toEqual(['--samples=true']);
  });
});
