import { networkInterfaces } from 'node:os';
import { createChannel, createClient } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { UserServiceDefinition } from '../../gen/user/user';
import { requireServerBundle } from '../support/prerequisites';
import { spawnServer, type SpawnedServer } from '../support/spawned-server';

/**
 * The interface ::1 is on (lo on Linux, lo0 elsewhere): a zone-scoped IPv6
 * literal that stays on this machine. Fails, saying so, where ::1 is missing.
 */
function loopbackZone(): string {
  const found = Object.entries(networkInterfaces()).find(([, addresses]) => addresses?.some((a) => a.family === 'IPv6' && a.address === '::1'));
  if (!found) throw new Error('this test needs IPv6 on the loopback interface (::1); enable it (sysctl net.ipv6.conf.lo.disable_ipv6=0)');
  return found[0];
}

let server: SpawnedServer | undefined;
beforeAll(() => requireServerBundle());
afterEach(() => server?.kill());

test('users-server listens on a zone-scoped IPv6 address ([::1%lo]:0), its health and metrics ports too, and answers there', async () => {
  const zone = loopbackZone();
  server = spawnServer([`--address=[::1%${zone}]:0`, `--metrics-address=[::1%${zone}]:0`, `--health-address=[::1%${zone}]:0`, '--samples=false', '--logfmt=json']);
  const started = JSON.parse(await server.waitForLine(/users-server started/)) as { address: string; port: number; metrics: string; health: string };
  expect(started.address).toBe(`[::1%${zone}]:${started.port}`);
  expect(started.metrics).toMatch(new RegExp(`^\\[::1%${zone}\\]:\\d+$`));
  expect(started.health).toMatch(new RegExp(`^\\[::1%${zone}\\]:\\d+$`));

  // The same socket without the zone: grpc-js clients cannot dial a zone (users-cli refuses one, saying so).
  const channel = createChannel(`ipv6:[::1]:${started.port}`);
  const healthPort = Number(/:(\d+)$/.exec(started.health)![1]);
  const healthChannel = createChannel(`ipv6:[::1]:${healthPort}`);
  try {
    expect(await createClient(UserServiceDefinition, channel).list({})).toEqual({ status: { code: 4, msg: '' }, users: [], nextPageToken: '' });
    expect(await createClient(HealthDefinition, healthChannel).check({ service: '' })).toEqual({ status: 1 });
  } finally {
    channel.close();
    healthChannel.close();
  }
  const metricsPort = Number(/:(\d+)$/.exec(started.metrics)![1]);
  const metrics = await fetch(`http://[::1]:${metricsPort}/metrics`);
  expect(metrics.status).toBe(200);

  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.stderr()).toBe('');
});
