// nice-grpc does not re-export ServerCredentials. package.json declares grpc-js
// with nice-grpc's own range, so that this is the one copy nice-grpc uses: a
// second copy's credentials would be rejected by nice-grpc's server.
import { ServerCredentials } from '@grpc/grpc-js';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { TlsFiles } from './tls-files';

/**
 * TLS server credentials whose certificate, key and client CA can be replaced
 * while serving. grpc-js hands every update to its listeners (setSecureContext):
 * new handshakes get the new certificate, open connections carry on.
 */
export class ReloadableServerCredentials extends ServerCredentials {
  constructor(options: SecureContextOptions, requireClientCertificate: boolean) {
    // As ServerCredentials.createSsl: with a client CA, clients must present a certificate it signed.
    super({ requestCert: requireClientCertificate, rejectUnauthorized: requireClientCertificate }, options);
  }

  /** Throws, keeping the current ones, when the new files make no TLS context (e.g. a key of another certificate). */
  replace(options: SecureContextOptions): void {
    // grpc-js would stop accepting connections on a context that fails: try it first.
    createSecureContext(options);
    this.updateSecureContextOptions(options);
  }

  _equals(other: ServerCredentials): boolean {
    return this === other;
  }
}

export function secureContextOptions(tls: Pick<TlsFiles, 'cert' | 'key' | 'clientCa'>): SecureContextOptions {
  return { cert: tls.cert, key: tls.key, ...(tls.clientCa && { ca: tls.clientCa }) };
}

/** Plaintext, or TLS (mTLS when a client CA is given) that can be reloaded. */
export function serverCredentials(tls: TlsFiles | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  return new ReloadableServerCredentials(secureContextOptions(tls), tls.clientCa !== undefined);
}
