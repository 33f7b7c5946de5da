import type { PoolConfig } from 'pg';
import { parse, toClientConfig } from 'pg-connection-string';
import { readFileUpTo } from '../../shared/bounded-read';
import { fileErrorReason } from '../../shared/file-error-reason';
import { portRangeProblem } from '../../shared/host-port';
import { quote } from '../../shared/quote';

// libpq's SSL variables, used when the URL does not set the parameter (as libpq does).
const LIBPQ_SSL_VARIABLES = { sslmode: 'PGSSLMODE', sslrootcert: 'PGSSLROOTCERT', sslcert: 'PGSSLCERT', sslkey: 'PGSSLKEY' } as const;
const SSL_FILES = ['sslrootcert', 'sslcert', 'sslkey'] as const;
const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'];
// A certificate or key file is small; the cap keeps /dev/zero or a huge file from being read whole.
const MAX_SSL_FILE_BYTES = 1024 * 1024;

/** Where one connection setting came from, for messages: a libpq variable, or a parameter of the URL. */
interface Setting {
  value: string;
  variable?: string;
}

/**
 * Checks what can be checked without touching files or the network (a bad
 * value: exit 2 at start-up): sslmode, the port. `urlSource` names the URL's
 * setting (--database-url or DATABASE_URL). Messages name the variable when the
 * value came from one, and never hold the password.
 */
export function checkPostgresSettings(url: string, env: NodeJS.ProcessEnv, urlSource: string): void {
  settingsOf(url, env, urlSource);
}

/**
 * The pg client configuration for a postgres:// URL, with libpq's meaning:
 * sslmode=require encrypts without checking the certificate, verify-full
 * checks it. Host, port, user, password and database missing from the URL
 * come from PGHOST, PGPORT, PGUSER, PGPASSWORD (or ~/.pgpass), PGDATABASE.
 * Reads the SSL files: one that cannot be read is a resource unusable at
 * start (exit 1), named with its setting. Errors never hold the password.
 */
export function postgresClientConfig(url: string, env: NodeJS.ProcessEnv, urlSource = 'the database URL'): PoolConfig {
  const { withSsl, settings, port } = settingsOf(url, env, urlSource);
  for (const parameter of SSL_FILES) {
    const setting = settings.get(parameter);
    if (setting === undefined) continue;
    try {
      readFileUpTo(setting.value, MAX_SSL_FILE_BYTES);
    } catch (error) {
      throw new Error(`${setting.variable ?? `${parameter} of ${urlSource}`} ${quote(setting.value)}: cannot read the file (${fileErrorReason(error)})`);
    }
  }
  let config: PoolConfig;
  try {
    config = toClientConfig(parse(withSsl.href, { useLibpqCompat: true }));
  } catch (error) {
    // Messages from parse name files or settings, not the URL; keep only the first line.
    throw new Error(String((error as Error).message).split('\n')[0]);
  }
  // The port checked above, rather than pg reading PGPORT again from process.env.
  return port === undefined ? config : { ...config, port };
}

function settingsOf(url: string, env: NodeJS.ProcessEnv, urlSource: string): { withSsl: URL; settings: Map<string, Setting>; port?: number } {
  const withSsl = new URL(url);
  const settings = new Map<string, Setting>();
  for (const [parameter, variable] of Object.entries(LIBPQ_SSL_VARIABLES)) {
    const fromUrl = withSsl.searchParams.get(parameter);
    const value = env[variable];
    if (fromUrl !== null) settings.set(parameter, { value: fromUrl });
    else if (value) {
      withSsl.searchParams.set(parameter, value);
      settings.set(parameter, { value, variable });
    }
  }
  const sslmode = settings.get('sslmode');
  if (sslmode !== undefined && !SSL_MODES.includes(sslmode.value)) {
    // prefer and allow fall back to plain text in libpq; pg cannot, so they are refused rather than guessed.
    const supported = `use one of ${SSL_MODES.join(', ')}`;
    throw new Error(
      sslmode.variable
        ? `invalid ${sslmode.variable} ${quote(sslmode.value)}: not supported: ${supported}`
        : `invalid ${urlSource}: sslmode ${JSON.stringify(sslmode.value)} is not supported: ${supported}`,
    );
  }
  // pg passes a port that is not a number (NaN) or out of range to net.connect, which throws where pg cannot catch it.
  if (withSsl.port === '0') throw new Error(`invalid ${urlSource}: port 0: expected a port number from 1 to 65535`);
  const portParameter = withSsl.searchParams.get('port');
  if (portParameter !== null && !isPort(portParameter)) throw new Error(`invalid ${urlSource}: port ${quote(portParameter)}: expected a port number from 1 to 65535`);
  const portVariable = env.PGPORT;
  if (withSsl.port !== '' || portVariable === undefined || portVariable === '') return { withSsl, settings };
  if (!isPort(portVariable)) {
    throw new Error(`invalid PGPORT ${quote(portVariable)}: expected a port number from 1 to 65535`);
  }
  return { withSsl, settings, port: Number(portVariable) };
}

function isPort(text: string): boolean {
  return /^\d+$/.test(text) && portRangeProblem(text, 1) === undefined;
}
