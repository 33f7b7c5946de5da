import type { PoolConfig } from 'pg';

/**
 * A connection to PostgreSQL that TLS refused, explained in one line: the
 * host, and the setting that fixes it (Node's own words name neither). The
 * database cannot be reached as configured: the driver counts it unavailable.
 */
export class DatabaseTlsError extends Error {
  override readonly name = 'DatabaseTlsError';
}

// Node's codes for a certificate chain that leads to no trusted CA.
const UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE']);
const NOT_VALID_NOW = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** `error` explained when TLS with the database failed; undefined for any other error. */
export function explainTlsFailure(error: unknown, config: PoolConfig): DatabaseTlsError | undefined {
  // Duck-typed: TLS errors come from Node's own realm, where `instanceof Error` may not hold (jest's sandbox).
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') return undefined;
  const code = String((error as NodeJS.ErrnoException).code ?? '');
  const reason = (error as Error).message.split('\n')[0].replace(/[\s:]+$/, '');
  const withCa = typeof config.ssl === 'object' && config.ssl.ca !== undefined;
  let fix: string | undefined;
  if (reason === 'The server does not support SSL connections') {
    fix = 'the server does not support TLS: turn ssl on in the server, or set sslmode=disable (in the URL or PGSSLMODE) to connect in plain text';
  } else if (UNTRUSTED.has(code)) {
    fix = withCa
      ? `its certificate is not signed by the CA in sslrootcert (or PGSSLROOTCERT) (${reason}): give the CA that signed it`
      : `its certificate is not trusted (${reason}): set sslrootcert (or PGSSLROOTCERT) to the CA that signed it`;
  } else if (NOT_VALID_NOW.has(code)) {
    fix = `its certificate is not valid now (${reason}): the server needs a current one`;
  } else if (code === 'INVALID_PURPOSE') {
    fix = `its certificate is not for a server (${reason}): the server needs one with extendedKeyUsage serverAuth`;
  } else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    fix = `its certificate is for another name (${reason}): connect by a name the certificate holds, or use sslmode=verify-ca to check the CA only`;
  } else if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_OSSL_') || reason.includes(':SSL routines:')) {
    // OpenSSL's "write EPROTO 80DC…:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:…": its words only.
    const said = /:SSL routines:[^:]*:([^:]+)/.exec(reason)?.[1] ?? reason;
    fix = `the handshake failed (${said}): check sslcert and sslkey (or PGSSLCERT, PGSSLKEY) and the server's ssl settings`;
  }
  return fix === undefined ? undefined : new DatabaseTlsError(`TLS with the database at ${where(config)}: ${fix}`, { cause: error });
}

function where(config: PoolConfig): string {
  const host = config.host ?? 'localhost';
  const port = config.port ?? 5432;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
