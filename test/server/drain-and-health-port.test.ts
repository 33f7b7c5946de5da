import { createChannel, type Channel } from 'nice-grpc';
import { healthClient, ServingStatus, watchHealth } from '../support/health-client';
import { useProbeAndCertificates } from '../support/probe-and-certificates';
import { run, runCli, startServerProcess } from '../support/processes';

// users-server as Kubernetes runs it: SIGTERM with a drain delay, and kubelet's
// plaintext gRPC probe (grpc-health-probe asks the same) on --health-address.

const fixture = useProbeAndCertificates();

test('SIGTERM with --drain-delay: NOT_SERVING at once, yet a connection made afterwards is served; a second signal ends it', async () => {
  const server = await startServerProcess(['--drain-delay=60s']);
  try {
    server.child.kill('SIGTERM');
    expect(JSON.parse(await server.waitForLine(/shutting down gracefully/))).toMatchObject({ signal: 'SIGTERM', drain_delay_ms: 60_000, grace_period_ms: 10_000 });
    // A fresh process, hence a fresh connection, made after SIGTERM.
    expect(await runCli([`--address=${server.address}`, 'health'])).toEqual({ code: 1, stdout: 'NOT_SERVING\n', stderr: '' });
    const listed = await runCli([`--address=${server.address}`, 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('Maël Valadier');
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 143, signal: null });
  } finally {
    await server.stop();
  }
});

test('--health-address: plaintext health for the probes while the main port is TLS-only', async () => {
  const server = await startServerProcess([`--tls-cert-file=${fixture.certs.serverCert}`, `--tls-key-file=${fixture.certs.serverKey}`, '--health-address=127.0.0.1:0']);
  try {
    const started = JSON.parse(await server.waitForLine(/users-server started/));
    expect(started).toMatchObject({ tls: 'tls', health: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    const health = started.health as string;
    expect(await run(fixture.probe, [`-addr=${health}`])).toEqual({ code: 0, stdout: '', stderr: 'status: SERVING\n' });
    expect(await run(fixture.probe, [`-addr=${health}`, '-service=user.UserService'])).toEqual({ code: 0, stdout: '', stderr: 'status: SERVING\n' });
    // The same plaintext probe against the TLS port fails.
    expect((await run(fixture.probe, [`-addr=${server.address}`, '-connect-timeout=1s'])).code).not.toBe(0);
  } finally {
    await server.stop();
  }
});

test('--health-address shares the server\'s --max-streaming-calls: a Watch open on the gRPC port leaves none for the health port', async () => {
  const server = await startServerProcess(['--health-address=127.0.0.1:0', '--max-streaming-calls=1']);
  const channels: Channel[] = [];
  const controller = new AbortController();
  try {
    const started = JSON.parse(await server.waitForLine(/users-server started/)) as { health: string };
    const watchOn = (address: string) => {
      const channel = createChannel(address);
      channels.push(channel);
      return watchHealth(healthClient(channel), '', controller.signal);
    };
    expect(await watchOn(server.address).next()).toBe('SERVING');
    await expect(watchOn(started.health).next()).rejects.toThrow(
      '/grpc.health.v1.Health/Watch RESOURCE_EXHAUSTED: too many streaming calls (health Watch, reflection) open on this server (at most 1, --max-streaming-calls): use health Check, or try again later',
    );
    expect(await healthClient(channels[1]).check({ service: '' })).toEqual({ status: ServingStatus.SERVING });
  } finally {
    controller.abort();
    for (const channel of channels) channel.close();
    await server.stop();
  }
});
