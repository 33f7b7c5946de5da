import { healthClient, watchHealth } from '../support/health-client';
import { openReflectionStream } from '../support/reflection-stream';
import { useSpawnedServers, type SpawnedServer } from '../support/spawned-server';

// Long enough that a shutdown held up by an open stream could never pass for a prompt exit.
const LONG_GRACE = '120s';

const startSpawned = useSpawnedServers();
const startServer = () => startSpawned(['--samples=false', `--grace-period=${LONG_GRACE}`]);

const messages = (server: SpawnedServer) =>
  server
    .stdout()
    .trimEnd()
    .split('\n')
    .map((l) => (JSON.parse(l) as { message: string }).message);

test.each(['SIGTERM', 'SIGINT'] as const)('%s: graceful shutdown, "users-server stopped", exit 0', async (signal) => {
  const { server } = await startServer();
  server.child.kill(signal);
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(messages(server)).toEqual(['users-server started', 'shutting down gracefully', 'users-server stopped']);
  expect(server.stdout()).toContain(`"signal":"${signal}"`);
  expect(server.stderr()).toBe('');
});

test('SIGTERM while a health Watch is open: the Watch sees NOT_SERVING and the process still exits 0 at once', async () => {
  const { server, channel } = await startServer();
  const watch = watchHealth(healthClient(channel), '');
  expect(await watch.next()).toBe('SERVING');
  server.child.kill('SIGTERM');
  expect(await watch.next()).toBe('NOT_SERVING');
  // Bounded by the test timeout, far below the grace period.
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(messages(server)).toEqual(['users-server started', 'shutting down gracefully', 'users-server stopped']);
});

test('SIGTERM with a call in flight: the call still completes, then the process exits 0', async () => {
  const { server, channel } = await startServer();
  const stream = openReflectionStream(channel);
  expect((await stream.listServices()).sort()).toEqual(['grpc.health.v1.Health', 'user.UserService']);
  server.child.kill('SIGTERM');
  await server.waitForLine(/shutting down gracefully/);
  // Still served while shutting down.
  expect((await stream.listServices()).sort()).toEqual(['grpc.health.v1.Health', 'user.UserService']);
  expect(server.child.exitCode).toBeNull();
  await stream.end();
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(messages(server)).toEqual(['users-server started', 'shutting down gracefully', 'users-server stopped']);
});

// A second signal during a graceful shutdown exits at once, with the shell's
// code for death by that signal: 128 + 15 = 143 for SIGTERM, 128 + 2 = 130 for SIGINT.
test.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const)('a second %s exits at once with code %d', async (signal, code) => {
  const { server, channel } = await startServer();
  // An open stream holds the graceful shutdown up for the grace period.
  const stream = openReflectionStream(channel);
  await stream.listServices();
  server.child.kill(signal);
  await server.waitForLine(/shutting down gracefully/);
  server.child.kill(signal);
  expect(await server.exited).toEqual({ code, signal: null });
  expect(messages(server)).toEqual(['users-server started', 'shutting down gracefully', 'second signal: exiting now']);
  expect(server.stdout()).not.toContain('users-server stopped');
});
