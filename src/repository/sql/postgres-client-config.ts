import type { PoolConfig } from 'pg';
import { parse, toClientConfig } from 'pg-connection-string';
import { readCertificates, readKeyPair, readPrivateKey, type NamedFile } from '../../shared/pem-file';
import { quote } from '../../shared/quote';
import { defaultDatabaseUser, portProblem } from '../database-url';
import { passwordFromFile } from './password-file';
import { urlParameterProblem } from './postgres-url-parameters';

// libpq's SSL variables, used when the URL does not set the parameter (as libpq does).
const LIBPQ_SSL_VARIABLES = { sslmode: 'PGSSLMODE', sslrootcert: 'PGSSLROOTCERT', sslcert: 'PGSSLCERT', sslkey: 'PGSSLKEY' } as const;
const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'];

/** Where one connection setting came from, for messages: a libpq variable, or a parameter of the URL. */
interface Setting {
  value: string;
  variable?: string;
}

/**
 * Checks what can be checked without touching files or the network (a bad
 * value: exit 2 at start-up): the URL's parameters, sslmode, the port, that a
 * user name is known. `urlSource` names the URL's
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
 * come from PGHOST, PGPORT, PGUSER, PGPASSWORD (or ~/.pgpass), PGDATABASE;
 * with no PGUSER, the user is the system's name for this process's user, as
 * with libpq. Reads the SSL files: one that cannot be used (unreadable, a key
 * given as the CA, a certificate and key that are no pair) is a resource
 * unusable at start (exit 1), named with its setting, rather than a TLS error
 * later. Errors never hold the password.
 */
export function postgresClientConfig(url: string, env: NodeJS.ProcessEnv, urlSource = 'the database URL'): PoolConfig {
  const { withSsl, settings, port } = settingsOf(url, env, urlSource);
  checkSslFiles(settings, urlSource);
  let config: PoolConfig;
  try {
    config = toClientConfig(parse(withSsl.href, { useLibpqCompat: true }));
  } catch (error) {
    // Messages from parse name files or settings, not the URL; keep only the first line.
    throw new Error(String((error as Error).message).split('\n')[0]);
  }
  // What the URL leaves out, from `env` as libpq would (not pg's own reading of process.env, and not $USER):
  // messages and logs then name the host, user and database really used.
  const user = config.user || defaultDatabaseUser(env);
  const connection = { host: config.host || env.PGHOST || 'localhost', port: config.port ?? port ?? 5432, user, database: config.database || env.PGDATABASE || user };
  // No password in the URL or PGPASSWORD: the password file's, read by us (see password-file.ts).
  return { ...config, ...connection, password: config.password || env.PGPASSWORD || passwordFromFile(env, connection) };
}

/** `invalid PGSSLMODE "x"` or `invalid DATABASE_URL: sslmode "x"`: the value, named where it came from. */
function invalid(setting: Setting, parameter: string, urlSource: string): string {
  return setting.variable ? `invalid ${setting.variable} ${quote(setting.value)}` : `invalid ${urlSource}: ${parameter} ${quote(setting.value)}`;
}

function checkSslFiles(settings: Map<string, Setting>, urlSource: string): void {
  const file = (parameter: string): NamedFile | undefined => {
    const setting = settings.get(parameter);
    // An empty value is no file to node-postgres.
    if (setting === undefined || setting.value === '') return undefined;
    return { path: setting.value, source: setting.variable ?? `${parameter} of ${urlSource}` };
  };
  const [rootCert, cert, key] = [file('sslrootcert'), file('sslcert'), file('sslkey')];
  if (rootCert) readCertificates(rootCert);
  if (cert && key) readKeyPair(cert, key);
  else if (cert) readCertificates(cert);
  else if (key) readPrivateKey(key);
}

function settingsOf(url: string, env: NodeJS.ProcessEnv, urlSource: string): { withSsl: URL; settings: Map<string, Setting>; port?: number } {
  const withSsl = new URL(url);
  const parameterProblem = urlParameterProblem(withSsl.searchParams);
  if (parameterProblem !== undefined) throw new Error(`invalid ${urlSource}: ${parameterProblem}`);
  if (withSsl.username === '' && !withSsl.searchParams.get('user') && defaultDatabaseUser(env) === undefined) {
    throw new Error(`invalid ${urlSource}: no user name: the URL names none, PGUSER is unset and this system has no name for user id ${process.getuid?.()}: give one in the URL (postgres://USER@HOST/DATABASE) or PGUSER`);
  }
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
  const rootCert = settings.get('sslrootcert');
  if (rootCert?.value === 'system') {
    throw new Error(`${invalid(rootCert, 'sslrootcert', urlSource)}: the system's CAs are not supported by node-postgres: give a CA file (e.g. /etc/ssl/certs/ca-certificates.crt)`);
  }
  // pg-connection-string refuses it too, in a paragraph.
  if (sslmode?.value === 'verify-ca' && !rootCert?.value) {
    throw new Error(`${invalid(sslmode, 'sslmode', urlSource)}: needs sslrootcert (or PGSSLROOTCERT): the CA that signed the server's certificate`);
  }
  if (env.PGHOST?.includes(',')) throw new Error(`invalid PGHOST ${quote(env.PGHOST)}: several hosts: not supported by node-postgres: give one host`);
  // pg passes a port that is not a number (NaN) or out of range to net.connect, which throws where pg cannot catch it.
  for (const port of [withSsl.port, withSsl.searchParams.get('port')]) {
    const problem = port ? portProblem(port) : undefined;
    if (problem !== undefined) throw new Error(`invalid ${urlSource}: ${problem}`);
  }
  const portVariable = env.PGPORT;
  if (withSsl.port !== '' || withSsl.searchParams.has('port') || portVariable === undefined || portVariable === '') return { withSsl, settings };
  if (portProblem(portVariable) !== undefined) {
    throw new Error(`invalid PGPORT ${quote(portVariable)}: expected a port number from 1 to 65535`);
  }
  return { withSsl, settings, port: Number(portVariable) };
}
