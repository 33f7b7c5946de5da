import { ChannelCredentials } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { createChannel, createClient, type Channel } from 'nice-grpc';
import { Status_StatusCode, UserServiceDefinition } from '../../gen/user/user';
import { toUserRecord } from '../../src/domain/user-record';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { clientErrorOf } from '../support/client-errors';
import { countConnections } from '../support/connection-counter';
import { GatedRepository } from '../support/gated-repository';
import { healthClient, ServingStatus, watchHealth } from '../support/health-client';
import { startInProcessServer } from '../support/in-process-server';

const channels: Channel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) channel.close();
});
function channelTo(address: string, credentials?: ChannelCredentials): Channel {
  const channel = createChannel(address, credentials);
  channels.push(channel);
  return channel;
}

describe('--max-connection-age', () => {
  test('a client on one connection is moved to a new one, gracefully: every call succeeds', async () => {
    const env = await startInProcessServer({ maxConnectionAgeMs: 300, maxConnectionAgeGraceMs: 1000 });
    try {
      const channel = channelTo(env.address);
      const connections = countConnections(channel);
      const client = createClient(UserServiceDefinition, channel);
      let calls = 0;
      let moved = false;
      void connections.reached(2).then(() => (moved = true));
      // Calls go on until the client counts a second connection: the server closed the first for its age.
      while (!moved) {
        expect((await client.list({})).status!.code).toBe(Status_StatusCode.SUCCESS);
        calls += 1;
      }
      expect(connections.count()).toBe(2);
      expect(calls).toBeGreaterThan(0);
    } finally {
      await env.stop();
    }
  });

  test('with the default age (5 min) the same number of calls stays on one connection', async () => {
    const env = await startInProcessServer();
    try {
      const channel = channelTo(env.address);
      const connections = countConnections(channel);
      const client = createClient(UserServiceDefinition, channel);
      for (let i = 0; i < 200; i++) await client.list({});
      expect(connections.count()).toBe(1);
    } finally {
      await env.stop();
    }
  });
});

describe('--drain-delay', () => {
  test('inside the delay: health says NOT_SERVING, yet a new connection is served', async () => {
    const env = await startInProcessServer({ drainDelayMs: 60_000 });
    try {
      const shutdown = env.server.shutdown();
      const fresh = channelTo(env.address);
      expect(await healthClient(fresh).check({ service: '' })).toEqual({ status: ServingStatus.NOT_SERVING });
      expect(await healthClient(fresh).check({ service: 'user.UserService' })).toEqual({ status: ServingStatus.NOT_SERVING });
      expect((await createClient(UserServiceDefinition, fresh).list({})).status).toEqual({ code: Status_StatusCode.SUCCESS, msg: '' });
      // A second signal cuts the drain short.
      env.server.forceShutdown();
      await shutdown;
    } finally {
      env.channel.close();
      env.server.forceShutdown();
    }
  });

  test('after the delay: new connections are refused, the call in flight finishes', async () => {
    const repository = new GatedRepository();
    await repository.insert(toUserRecord({ id: 'u1', age: 40, firstName: 'Ana', lastName: 'Muñoz', email: 'ana@x.io', phone: '', address: '' }));
    const env = await startInProcessServer({ drainDelayMs: 200, gracePeriodMs: 120_000 }, repository);
    try {
      const watch = watchHealth(healthClient(env.channel), '');
      expect(await watch.next()).toBe('SERVING');
      const inFlight = env.client.list({});
      await repository.entered;

      let stopped = false;
      const shutdown = env.server.shutdown().then(() => (stopped = true));
      expect(await watch.next()).toBe('NOT_SERVING');
      // Health Watch streams are ended when the drain is over and the graceful shutdown begins.
      expect(await clientErrorOf(watch.next())).toEqual({ code: 'UNAVAILABLE', details: 'server is shutting down' });

      const refused = await clientErrorOf(createClient(UserServiceDefinition, channelTo(env.address)).getByEmail({ email: 'ana@x.io' }));
      expect(refused.code).toBe('UNAVAILABLE');
      expect(stopped).toBe(false);

      repository.release();
      expect((await inFlight).users.map((u) => u.id)).toEqual(['u1']);
      await shutdown;
      expect(stopped).toBe(true);
    } finally {
      repository.release();
      env.channel.close();
      env.server.forceShutdown();
    }
  });
});

describe('--health-address', () => {
  let certs: TestCertificates;
  beforeAll(() => (certs = makeTestCertificates()));
  afterAll(() => certs.cleanup());

  test('plaintext grpc.health.v1 on its own port while the main port is TLS-only; it follows shutdown', async () => {
    const pem = (file: string) => readFileSync(file);
    const env = await startInProcessServer({
      healthAddress: '127.0.0.1:0',
      drainDelayMs: 60_000,
      tls: { cert: pem(certs.serverCert), key: pem(certs.serverKey), paths: { cert: certs.serverCert, key: certs.serverKey } },
    });
    try {
      const health = channelTo(`127.0.0.1:${env.server.healthPort}`);
      expect(await healthClient(health).check({ service: '' })).toEqual({ status: ServingStatus.SERVING });
      expect(await healthClient(health).check({ service: 'user.UserService' })).toEqual({ status: ServingStatus.SERVING });
      // Health only: no user.UserService there.
      expect(await clientErrorOf(createClient(UserServiceDefinition, health).list({}))).toEqual({
        code: 'UNIMPLEMENTED',
        details: 'The server does not implement the method /user.UserService/List',
      });
      // The main port stays TLS-only.
      expect((await clientErrorOf(healthClient(channelTo(env.address)).check({ service: '' }))).code).toBe('UNAVAILABLE');
      const tlsChannel = channelTo(`localhost:${env.server.port}`, ChannelCredentials.createSsl(pem(certs.caCert)));
      expect(await healthClient(tlsChannel).check({ service: '' })).toEqual({ status: ServingStatus.SERVING });

      void env.server.shutdown();
      expect(await healthClient(health).check({ service: 'user.UserService' })).toEqual({ status: ServingStatus.NOT_SERVING });
    } finally {
      env.channel.close();
      env.server.forceShutdown();
    }
  });
});
