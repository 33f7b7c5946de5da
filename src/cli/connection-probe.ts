import net from 'node:net';
import tls from 'node:tls';
import type { ConnectionConfig } from './settings';

/** Why a connection to the server fails, as a stable code (Node's, or one of ours in capitals). */
export interface ConnectFailure {
  /** `ECONNREFUSED`, `ERR_TLS_CERT_ALTNAME_INVALID`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, ..., or
   *  `HTTP1` (an HTTP/1 server), `TLS_EXPECTED` (a TLS server, plaintext client),
   *  `PLAINTEXT_SERVER` (TLS client, plaintext server), `CLOSED` (closed without a word),
   *  `NOT_HTTP2` (an answer that is no HTTP/2 frame: its first bytes are the message). */
  code: string;
  message: string;
  /** ERR_TLS_CERT_ALTNAME_INVALID: the name checked, and the names the certificate holds. */
  host?: string;
  altNames?: string;
}

// HTTP/2's client preface, then an empty SETTINGS frame: what a gRPC client sends first.
const H2_PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);

/**
 * After grpc-js reported UNAVAILABLE (whose details are English text), opens
 * one connection the way it did and reports what Node's socket and TLS layers
 * say, with their error codes. Undefined when the probe gets through.
 */
export function probeConnection(config: ConnectionConfig, timeoutMs = 3000): Promise<ConnectFailure | undefined> {
  const { host, port } = splitAddress(config.address);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (failure: ConnectFailure | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(failure);
    };
    const fail = (error: NodeJS.ErrnoException & { host?: string; reason?: string; cert?: { subjectaltname?: string } }) => {
      const code = error.code ?? 'UNKNOWN';
      if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
        return finish({ code, message: error.message, host: error.host, altNames: error.cert?.subjectaltname ?? 'no names' });
      }
      // OpenSSL errors carry their reason apart from the long error string.
      finish({ code, message: error.reason ?? error.message });
    };
    const serverName = config.tls?.serverName ?? (net.isIP(host) ? undefined : host);
    const socket: net.Socket = config.tls
      ? tls.connect({
          host,
          port,
          ALPNProtocols: ['h2'],
          ca: config.tls.ca,
          cert: config.tls.clientCert?.cert,
          key: config.tls.clientCert?.key,
          servername: serverName,
          // Checked against the server name when one is set, else the host (an IP address).
          checkServerIdentity: (_name, cert) => tls.checkServerIdentity(config.tls?.serverName ?? host, cert),
        })
      : net.connect({ host, port });
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.once(config.tls ? 'secureConnect' : 'connect', () => socket.write(H2_PREFACE));
    socket.once('data', (data: Buffer) => {
      const text = data.toString('latin1');
      if (text.startsWith('HTTP/')) return finish({ code: 'HTTP1', message: text.split(' ')[0] });
      // A TLS record (handshake 0x16 or alert 0x15) in answer to plaintext.
      if (!config.tls && (data[0] === 0x15 || data[0] === 0x16) && data[1] === 0x03) return finish({ code: 'TLS_EXPECTED', message: 'TLS record' });
      // An HTTP/2 server's first frame is its SETTINGS (type 4, at byte 3); anything
      // else (an SSH banner, a bare HTML error from an HTTP/1.0 or 0.9 server) is not gRPC.
      if (data.length >= 4 && data[3] !== 0x04) return finish({ code: 'NOT_HTTP2', message: printable(data) });
      finish(undefined);
    });
    socket.once('error', fail);
    socket.once('close', () => finish({ code: 'CLOSED', message: 'closed without an answer' }));
  });
}

/** The answer's first bytes, for -v: at most 40, control characters as `.`. */
function printable(data: Buffer): string {
  return data.subarray(0, 40).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
}

function splitAddress(address: string): { host: string; port: number } {
  const index = address.lastIndexOf(':');
  return { host: address.slice(0, index).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(index + 1)) };
}
