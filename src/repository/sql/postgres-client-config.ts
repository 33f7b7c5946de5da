import type { PoolConfig } from 'pg';
import { parse, toClientConfig } from 'pg-connection-string';
import { UnusableFileError } from '../../shared/config-error';
import { PemFileError, readCertificates, readKeyPair, readPrivateKey, type NamedFile } from '../../shared/pem-file';
import { quote } from '../../shared/quote';
import { defaultDatabaseUser, percentDecoded, plusAsItself, portProblem } from '../database-url';
import { passwordFromFile } from './password-file';
import { AFTER_PASSWORD, followsPassword, urlParameterProblem } from './postgres-url-parameters';

// libpq's SSL variables, used when the URL does not set the parameter (as libpq does).
const LIBPQ_SSL_VARIABLES = { sslmode: 'PGSSLMODE', sslrootcert: 'PGSSLROOTCERT', sslcert: 'PGSSLCERT', sslkey: 'PGSSLKEY' } as const;
const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'];

/** Where one connection setting came from, for messages: a libpq variable, or a parameter of the URL. */
interface Setting {
  value: string;
  variable?: string;
  /** A parameter after ?password=: maybe a piece of the password, never shown. */
  hidden?: boolean;
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
  // As libpq: with sslmode=disable the SSL files are not used, so neither read nor checked (pg-connection-string would read them).
  if (settings.get('sslmode')?.value === 'disable') for (const parameter of SSL_FILES) withSsl.searchParams.delete(parameter);
  else checkSslFiles(settings, urlSource);
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
  // The path percent-decoded in full, as libpq (pg-connection-string's decodeURI leaves a%3Ab as is).
  const database = percentDecoded(withSsl.pathname.slice(1)) || env.PGDATABASE || user;
  const connection = { host: config.host || env.PGHOST || 'localhost', port: config.port ?? port ?? 5432, user, database };
  // No password in the URL or PGPASSWORD: the password file's, read by us (see password-file.ts).
  return { ...config, ...connection, password: config.password || env.PGPASSWORD || passwordFromFile(env, connection) };
}

/**
 * `invalid PGSSLMODE "x": problem` or `invalid DATABASE_URL: sslmode "x": problem`: the value, named where it
 * came from; after ?password=, neither name nor value.
 */
function invalid(setting: Setting, parameter: string, urlSource: string, problem: string): string {
  if (setting.variable) return `invalid ${setting.variable} ${quote(setting.value)}: ${problem}`;
  return setting.hidden ? hiddenProblem(urlSource) : `invalid ${urlSource}: ${parameter} ${quote(setting.value)}: ${problem}`;
}

function hiddenProblem(urlSource: string, what = 'a bad value of a parameter'): string {
  return `invalid ${urlSource}: ${what} after password= (${AFTER_PASSWORD})`;
}

const SSL_FILES = ['sslrootcert', 'sslcert', 'sslkey'] as const;

function checkSslFiles(settings: Map<string, Setting>, urlSource: string): void {
  const file = (parameter: string): NamedFile | undefined => {
    const setting = settings.get(parameter);
    // An empty value is no file to node-postgres.
    if (setting === undefined || setting.value === '') return undefined;
    return { path: setting.value, source: setting.variable ?? `${parameter} of ${urlSource}` };
  };
  const [rootCert, cert, key] = SSL_FILES.map(file);
  // Messages name the file: one named after ?password= may be a piece of the password, and is not shown.
  const read = (parameters: string[], work: () => unknown): void => {
    try {
      work();
    } catch (error) {
      if (!parameters.some((parameter) => settings.get(parameter)?.hidden)) throw error;
      const reason = error instanceof PemFileError ? error.reason : 'a certificate and a key that are no pair';
      throw new UnusableFileError(`${hiddenProblem(urlSource, 'an SSL file named')}: ${reason}`);
    }
  };
  if (rootCert) read(['sslrootcert'], () => readCertificates(rootCert));
  if (cert && key) read(['sslcert', 'sslkey'], () => readKeyPair(cert, key));
  else if (cert) read(['sslcert'], () => readCertificates(cert));
  else if (key) read(['sslkey'], () => readPrivateKey(key));
}

/**
 * A % not followed by two hex digits (a password 50%off) is itself, written
 * %25: pg-connection-string would otherwise encode the whole URL again, and
 * read every %2B, %3D… there as such.
 */
function strayPercentEncoded(url: string): string {
  return url.replace(/%(?![0-9a-f]{2})/gi, '%25');
}

function settingsOf(url: string, env: NodeJS.ProcessEnv, urlSource: string): { withSsl: URL; settings: Map<string, Setting>; port?: number } {
  const withSsl = new URL(strayPercentEncoded(plusAsItself(url)));
  const parameterProblem = urlParameterProblem(withSsl.searchParams);
  if (parameterProblem !== undefined) throw new Error(`invalid ${urlSource}: ${parameterProblem}`);
  if (withSsl.username === '' && !withSsl.searchParams.get('user') && defaultDatabaseUser(env) === undefined) {
    throw new Error(`invalid ${urlSource}: no user name: the URL names none, PGUSER is unset and this system has no name for user id ${process.getuid?.()}: give one in the URL (postgres://USER@HOST/DATABASE) or PGUSER`);
  }
  const settings = new Map<string, Setting>();
  for (const [parameter, variable] of Object.entries(LIBPQ_SSL_VARIABLES)) {
    const fromUrl = withSsl.searchParams.get(parameter);
    const value = env[variable];
    if (fromUrl !== null) settings.set(parameter, { value: fromUrl, hidden: followsPassword(withSsl.searchParams, parameter) });
    // With sslmode=disable (the URL's or PGSSLMODE), libpq uses no SSL file: PGSSLROOTCERT and the others are not read.
    else if (value && !(parameter !== 'sslmode' && settings.get('sslmode')?.value === 'disable')) {
      withSsl.searchParams.set(parameter, value);
      settings.set(parameter, { value, variable });
    }
  }
  const sslmode = settings.get('sslmode');
  if (sslmode !== undefined && !SSL_MODES.includes(sslmode.value)) {
    // prefer and allow fall back to plain text in libpq; pg cannot, so they are refused rather than guessed.
    const supported = `use one of ${SSL_MODES.join(', ')}`;
    if (sslmode.variable) throw new Error(`invalid ${sslmode.variable} ${quote(sslmode.value)}: not supported: ${supported}`);
    throw new Error(sslmode.hidden ? hiddenProblem(urlSource) : `invalid ${urlSource}: sslmode ${JSON.stringify(sslmode.value)} is not supported: ${supported}`);
  }
  const rootCert = settings.get('sslrootcert');
  if (rootCert?.value === 'system' && sslmode?.value !== 'disable') {
    throw new Error(invalid(rootCert, 'sslrootcert', urlSource, "the system's CAs are not supported by node-postgres: give a CA file (e.g. /etc/ssl/certs/ca-certificates.crt)"));
  }
  // pg-connection-string refuses it too, in a paragraph.
  if (sslmode?.value === 'verify-ca' && !rootCert?.value) {
    throw new Error(invalid(sslmode, 'sslmode', urlSource, "needs sslrootcert (or PGSSLROOTCERT): the CA that signed the server's certificate"));
  }
  // Direct TLS has nothing to fall back to: libpq 17 refuses it under a weaker sslmode, and node-postgres fails at connect.
  if (withSsl.searchParams.get('sslnegotiation') === 'direct' && !['require', 'verify-ca', 'verify-full'].includes(sslmode?.value ?? '')) {
    throw new Error(
      followsPassword(withSsl.searchParams, 'sslnegotiation')
        ? hiddenProblem(urlSource)
        : `invalid ${urlSource}: sslnegotiation "direct" needs sslmode require, verify-ca or verify-full (it is ${sslmode ? quote(sslmode.value) : 'unset'})`,
    );
  }
  if (env.PGHOST?.includes(',')) throw new Error(`invalid PGHOST ${quote(env.PGHOST)}: several hosts: not supported by node-postgres: give one host`);
  // pg passes a port that is not a number (NaN) or out of range to net.connect, which throws where pg cannot catch it.
  const urlPortProblem = withSsl.port ? portProblem(withSsl.port) : undefined;
  if (urlPortProblem !== undefined) throw new Error(`invalid ${urlSource}: ${urlPortProblem}`);
  const parameterPort = withSsl.searchParams.get('port');
  const parameterPortProblem = parameterPort ? portProblem(parameterPort) : undefined;
  if (parameterPortProblem !== undefined) throw new Error(followsPassword(withSsl.searchParams, 'port') ? hiddenProblem(urlSource) : `invalid ${urlSource}: ${parameterPortProblem}`);
  const portVariable = env.PGPORT;
  if (withSsl.port !== '' || withSsl.searchParams.has('port') || portVariable === undefined || portVariable === '') return { withSsl, settings };
  if (portProblem(portVariable) !== undefined) {
    throw new Error(`invalid PGPORT ${quote(portVariable)}: expected a port number from 1 to 65535`);
  }
  return { withSsl, settings, port: Number(portVariable) };
}
