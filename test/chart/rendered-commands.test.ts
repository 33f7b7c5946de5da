import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { buildBundlesIfStale, requireTool } from '../support/prerequisites';
import { run, runCli, startServerProcess, type ServerProcess } from '../support/processes';
import { FULLNAME, findObject, renderObjects, type K8sObject } from './helm-chart';

// The chart's commands, run for real: the server with the Deployment's args, the
// probes (kubelet's native gRPC probe, played by grpc-health-probe, which asks
// the same question in plaintext) and the helm test pod's users-cli commands
// against it. Mount paths become folders laid out like the Secrets; listen
// addresses become port 0.

const MOUNTS = { tls: '/etc/users-grpc/tls', clientTls: '/etc/users-grpc/client-tls' };
/** Flags the test harness sets itself (port 0, no metrics listener, JSON logs, no drain delay on stop). */
const HARNESS_FLAGS = /^--(address|metrics-address|logfmt|drain-delay)=/;
const HEALTH_ADDRESS = /^--health-address=.*$/;

function secretFolders(certs: TestCertificates): { tls: string; clientTls: string } {
  const tls = path.join(certs.dir, 'secret-tls');
  const clientTls = path.join(certs.dir, 'secret-client-tls');
  mkdirSync(tls);
  mkdirSync(clientTls);
  copyFileSync(certs.serverCert, path.join(tls, 'tls.crt'));
  copyFileSync(certs.serverKey, path.join(tls, 'tls.key'));
  copyFileSync(certs.caCert, path.join(tls, 'ca.crt'));
  copyFileSync(certs.clientCert, path.join(clientTls, 'tls.crt'));
  copyFileSync(certs.clientKey, path.join(clientTls, 'tls.key'));
  return { tls, clientTls };
}

/** Reissues the server certificate for both usages, as one Secret serving server and probes needs. */
function makeDualUseServerCertificate(certs: TestCertificates, folder: string): void {
  const file = (name: string) => path.join(certs.dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(file('dual.ext'), 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', path.join(folder, 'tls.key'), '-out', file('dual.csr'));
  openssl('x509', '-req', '-in', file('dual.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2',
    '-out', path.join(folder, 'tls.crt'), '-extfile', file('dual.ext'));
}

function localise(args: string[], folders: { tls: string; clientTls: string }, address: string): string[] {
  return args.map((arg) =>
    arg
      .replace(MOUNTS.clientTls, folders.clientTls)
      .replace(MOUNTS.tls, folders.tls)
      .replace(/^--address=.*$/, `--address=${address}`)
      .replace(HEALTH_ADDRESS, '--health-address=127.0.0.1:0'),
  );
}

interface GrpcProbe {
  grpc: { port: number; service?: string };
}

interface Rendered {
  serverArgs: string[];
  /** Startup, liveness and readiness. */
  probes: GrpcProbe[];
  /** The helm test pod's containers, in order: health, then list. */
  testCommands: string[][];
}

function renderCommands(values: object): Rendered {
  const objects = renderObjects({ values });
  const container = findObject(objects, 'Deployment').spec.template.spec.containers[0] as K8sObject;
  const testPod = findObject(objects, 'Pod', `${FULLNAME}-test`);
  const cliArgs = (command: string[]) => {
    expect(command[0]).toBe('users-cli');
    return command.slice(1);
  };
  return {
    serverArgs: container.args as string[],
    probes: [container.startupProbe, container.livenessProbe, container.readinessProbe],
    testCommands: [...testPod.spec.initContainers, ...testPod.spec.containers].map((c: K8sObject) => cliArgs(c.command)),
  };
}

interface TlsValues {
  tls: { enabled: boolean; secretName: string; serverName: string; mtls?: { enabled: boolean; clientSecretName?: string } };
}

describe.each<[string, TlsValues]>([
  ['TLS', { tls: { enabled: true, secretName: 'srv', serverName: 'localhost' } }],
  ['mTLS, the server certificate reused by clients', { tls: { enabled: true, secretName: 'srv', serverName: 'localhost', mtls: { enabled: true } } }],
  ['mTLS with a client Secret', { tls: { enabled: true, secretName: 'srv', serverName: 'localhost', mtls: { enabled: true, clientSecretName: 'cli' } } }],
])('%s: the rendered commands work against each other', (_name, values) => {
  let certs: TestCertificates;
  let server: ServerProcess;
  let rendered: Rendered;
  let folders: { tls: string; clientTls: string };
  let probe: string;

  beforeAll(async () => {
    // These run dist/users-server.js and dist/users-cli.js: build them first when stale.
    buildBundlesIfStale();
    probe = requireTool('grpc-health-probe');
    certs = makeTestCertificates();
    folders = secretFolders(certs);
    rendered = renderCommands(values);
    if (values.tls.mtls?.enabled && !values.tls.mtls.clientSecretName) makeDualUseServerCertificate(certs, folders.tls);
    server = await startServerProcess(localise(rendered.serverArgs.filter((a) => !HARNESS_FLAGS.test(a)), folders, ''));
  });

  afterAll(async () => {
    await server?.stop();
    certs?.cleanup();
  });

  test('the server starts with the Deployment args', async () => {
    expect(JSON.parse(await server.waitForLine(/users-server started/))).toMatchObject({ message: 'users-server started', tls: values.tls.mtls?.enabled ? 'mtls' : 'tls' });
  });

  test("the startup, liveness and readiness probes, plaintext on the health port, say SERVING", async () => {
    const started = JSON.parse(await server.waitForLine(/users-server started/));
    const healthPort = Number(/:(\d+)$/.exec(started.health)![1]);
    expect(rendered.serverArgs).toContain(`--health-address=0.0.0.0:${rendered.probes[0].grpc.port}`);
    expect(rendered.probes.map((p) => p.grpc.service ?? '')).toEqual(['', '', 'user.UserService']);
    for (const { grpc } of rendered.probes) {
      const service = grpc.service ? [`-service=${grpc.service}`] : [];
      expect(await run(probe, [`-addr=127.0.0.1:${healthPort}`, ...service])).toEqual({ code: 0, stdout: '', stderr: 'status: SERVING\n' });
    }
  });

  test('the helm test commands pass: health, then list', async () => {
    const [health, list] = rendered.testCommands;
    expect(await runCli(localise(health, folders, server.address))).toEqual({ code: 0, stdout: 'SERVING\n', stderr: '' });
    const listed = await runCli(localise(list, folders, server.address));
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('Maël Valadier <mael.valadier@example.com> (34 years old, address: 12 rue des Tanneurs, Lyon, 69002)\n');
  });
});
