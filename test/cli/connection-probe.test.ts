import { once } from 'node:events';
import net from 'node:net';
import { createServer } from 'nice-grpc';
import { probeConnection } from '../../src/cli/connection-probe';
import type { ConnectionConfig } from '../../src/cli/settings';
import { runCliInProcess } from '../support/cli-in-process';

// The probe that names why a connection failed, against servers that each
// fail in one way; and the one-line message users-cli makes of it.

const config = (address: string): ConnectionConfig => ({ address, timeoutMs: 2000, timeoutText: '2s' });

/** A TCP server on 127.0.0.1:0 that answers the first bytes it gets with `answer` (or hangs up when undefined). */
async function rawServer(answer: Buffer | string | undefined): Promise<{ address: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => (answer === undefined ? socket.destroy() : socket.end(answer)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

// A TLS alert record (fatal, protocol_version), as a TLS server sends to bytes that are not TLS.
const TLS_ALERT = Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]);

test.each([
  ['a TLS server', TLS_ALERT, { code: 'TLS_EXPECTED', message: 'TLS record' }, 'the server expects TLS: add --tls (and --cacert if its CA is not a system one)'],
  ['an HTTP/1.1 server', 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n', { code: 'HTTP1', message: 'HTTP/1.1' }, 'the server answered in HTTP/1.1, not gRPC over HTTP/2: is it users-server?'],
  [
    'an HTTP/1.0 server (python3 -m http.server: no status line for HTTP/2.0)',
    '<!DOCTYPE HTML>\n<html lang="en">\n<p>Error code: 505</p>\n',
    { code: 'NOT_HTTP2', message: '<!DOCTYPE HTML>.<html lang="en">.<p>Erro' },
    'the server does not speak gRPC (HTTP/2): is it users-server?',
  ],
  ['an HTTP/1.0 server with a status line', 'HTTP/1.0 505 HTTP Version Not Supported\r\n\r\n', { code: 'HTTP1', message: 'HTTP/1.0' }, 'the server answered in HTTP/1.0, not gRPC over HTTP/2: is it users-server?'],
  ['an SSH server', 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n', { code: 'NOT_HTTP2', message: 'SSH-2.0-OpenSSH_9.2p1 Debian-2..' }, 'the server does not speak gRPC (HTTP/2): is it users-server?'],
  ['a server that hangs up', undefined, { code: 'CLOSED', message: 'closed without an answer' }, 'the server closed the connection: does it expect TLS (see --tls), or is it at its connection limit (--max-connections)?'],
])('%s', async (_name, answer, failure, reason) => {
  const server = await rawServer(answer);
  try {
    expect(await probeConnection(config(server.address))).toEqual(failure);
    expect(await runCliInProcess(['list', `--address=${server.address}`])).toEqual({ code: 1, stdout: '', stderr: `users-cli: cannot reach ${server.address}: ${reason}\n` });
  } finally {
    await server.close();
  }
});

test('a closed port', async () => {
  const server = await rawServer(undefined);
  const { address } = server;
  await server.close();
  expect(await probeConnection(config(address))).toEqual({ code: 'ECONNREFUSED', message: `connect ECONNREFUSED ${address}` });
});

test('a gRPC server: the probe gets through', async () => {
  const server = createServer();
  const port = await server.listen('127.0.0.1:0');
  try {
    expect(await probeConnection(config(`127.0.0.1:${port}`))).toBeUndefined();
  } finally {
    await server.shutdown();
  }
});

test('an unknown host', async () => {
  expect((await probeConnection(config('nosuchhost.invalid:8000')))?.code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
});
