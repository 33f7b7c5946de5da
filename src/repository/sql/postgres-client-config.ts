import type { PoolConfig } from 'pg';
import { parse, toClientConfig } from 'pg-connection-string';

// libpq's SSL variables, used when the URL does not set the parameter (as libpq does).
const LIBPQ_SSL_VARIABLES = { sslmode: 'PGSSLMODE', sslrootcert: 'PGSSLROOTCERT', sslcert: 'PGSSLCERT', sslkey: 'PGSSLKEY' } as const;
const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'];

/**
 * The pg client configuration for a postgres:// URL, with libpq's meaning:
 * sslmode=require encrypts without checking the certificate, verify-full
 * checks it. Host, port, user, password and database missing from the URL
 * come from PGHOST, PGPORT, PGUSER, PGPASSWORD (or ~/.pgpass), PGDATABASE,
 * which pg reads itself. Throws an Error whose message never holds the password.
 */
export function postgresClientConfig(url: string, env: NodeJS.ProcessEnv): PoolConfig {
  const withSsl = new URL(url);
  for (const [parameter, variable] of Object.entries(LIBPQ_SSL_VARIABLES)) {
    const value = env[variable];
    if (!withSsl.searchParams.has(parameter) && value) withSsl.searchParams.set(parameter, value);
  }
  const sslmode = withSsl.searchParams.get('sslmode');
  if (sslmode !== null && !SSL_MODES.includes(sslmode)) {
    // prefer and allow fall back to plain text in libpq; pg cannot, so they are refused rather than guessed.
    throw new Error(`sslmode ${JSON.stringify(sslmode)} is not supported: use one of ${SSL_MODES.join(', ')}`);
  }
  try {
    return toClientConfig(parse(withSsl.href, { useLibpqCompat: true }));
  } catch (error) {
    // Messages from parse name files (sslrootcert …), not the URL; keep only the first line.
    throw new Error(String((error as Error).message).split('\n')[0]);
  }
}
