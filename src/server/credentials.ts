// nice-grpc does not re-export ServerCredentials. This resolves to the one copy of
// grpc-js that nice-grpc depends on: we deliberately declare no grpc-js of our
// own, since a second copy's credentials are rejected by nice-grpc's server.
import { ServerCredentials } from '@grpc/grpc-js';
import type { TlsFiles } from './config';

/** Plaintext, TLS, or mTLS when a client CA is given (clients must then present a certificate it signed). */
export function serverCredentials(tls: TlsFiles | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(tls.clientCa ?? null, [{ private_key: tls.key, cert_chain: tls.cert }], tls.clientCa !== undefined);
}
