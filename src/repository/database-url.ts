import { isIPv6 } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { quote } from '../shared/quote';
import { portRangeProblem } from '../shared/host-port';

/** Where users live, from --database-url (DATABASE_URL). */
export type Storage =
  | { kind: 'memory' }
  /** `url`: as given, except that a URL with a user but no host carries them as ?user= and ?password= (see hostlessForm). */
  | { kind: 'postgres'; url: string }
  /** `dataDir` undefined: pglite:memory. */
  | { kind: 'pglite'; dataDir?: string };

/** The stores with a schema: what migrations apply to. */
export type SqlStorage = Exclude<Storage, { kind: 'memory' }>;

const PASSWORD_HINT = 'check the characters of the password: percent-encode @ : / ? #';

/**
 * Reads a database URL: empty for the in-memory store, postgres:// or
 * postgresql://, pglite:PATH or pglite:memory. Throws an Error whose message
 * never repeats the URL (it may hold a password).
 */
export function parseDatabaseUrl(raw: string): Storage {
  if (raw === '') return { kind: 'memory' };
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(raw)?.[0].toLowerCase();
  if (scheme === 'postgres:' || scheme === 'postgresql:') return { kind: 'postgres', url: postgresUrl(raw, scheme) };
  if (scheme === 'pglite:') return pgliteStorage(raw.slice(scheme.length));
  const found = scheme ? `unsupported scheme ${JSON.stringify(scheme)}` : 'no scheme';
  throw new Error(`${found}: expected postgres://…, postgresql://…, pglite:PATH or pglite:memory (unset for the in-memory store)`);
}

function postgresUrl(given: string, scheme: string): string {
  // Without //, a URL parser reads "user:password@host" as a path: pg would use a piece of the password as the database name.
  if (!given.startsWith('//', scheme.length)) throw new Error(`expected ${scheme}// then [USER[:PASSWORD]@]HOST[:PORT]/DATABASE`);
  const raw = plusAsItself(given);
  const rest = raw.slice(scheme.length + 2);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  // An @ past the host (or any #) means the password held an unencoded / ? or #: its end would be read as host, path or query.
  if ((authorityEnd !== -1 && rest.slice(authorityEnd).includes('@')) || raw.includes('#')) throw new Error(`not a valid ${scheme}// URL (${PASSWORD_HINT})`);
  const at = authority.lastIndexOf('@');
  // Without an @, what follows a : may be a password (the host forgotten): nothing of it is shown.
  const { host, port } = splitHost(authority.slice(at + 1), at !== -1);
  if (port !== undefined && port !== '' && portProblem(port)) {
    throw new Error(at === -1 ? `no host, or a bad port: what follows ":" is not a port number from 1 to 65535 (${NO_HOST_HINT})` : portProblem(port));
  }
  const url = host === '' && (at !== -1 || port) ? hostlessForm(raw, scheme, authority, at, port) : raw;
  // A URL parser takes any user and password (it percent-encodes them): what else it refuses is the host.
  if (!URL.canParse(url)) throw new Error(`host ${quote(host)}: not a valid host name`);
  return url;
}

const NO_HOST_HINT = 'with a password, the URL needs its host: postgres://USER:PASSWORD@HOST/DATABASE';

/**
 * libpq reads a + in a URL's query as itself; URLSearchParams, and so
 * node-postgres, as a space: it is percent-encoded before either reads it.
 */
export function plusAsItself(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query) + url.slice(query).replaceAll('+', '%2B');
}

/** The host and port of a URL's authority, checked for what node-postgres cannot take; `shown`: whether messages may quote them. */
function splitHost(hostAndPort: string, shown: boolean): { host: string; port?: string } {
  if (hostAndPort.includes(',')) {
    throw new Error(shown ? `several hosts (${quote(hostAndPort)}): not supported by node-postgres: give one host` : `several hosts, or no host: a comma before the path (node-postgres takes one host; ${NO_HOST_HINT})`);
  }
  if (hostAndPort.startsWith('[')) {
    const literal = /^\[([^\]]*)\](?::(.*))?$/.exec(hostAndPort);
    if (!literal || !isIPv6(literal[1])) throw new Error(`host${shown ? ` ${quote(hostAndPort)}` : ''}: not a valid IPv6 address: write it as [ADDRESS] or [ADDRESS]:PORT`);
    return { host: `[${literal[1]}]`, port: literal[2] };
  }
  const colon = hostAndPort.indexOf(':');
  return colon === -1 ? { host: hostAndPort } : { host: hostAndPort.slice(0, colon), port: hostAndPort.slice(colon + 1) };
}

/** `port 99999: expected…` (the text quoted unless all digits), or undefined for a port from 1 to 65535. */
export function portProblem(text: string): string | undefined {
  // Leading zeros are the number's, as libpq and URL parsers read them: 018661 is 18661.
  if (/^\d+$/.test(text) && portRangeProblem(text.replace(/^0+(?=\d)/, ''), 1) === undefined) return undefined;
  return `port ${/^\d+$/.test(text) ? text : quote(text)}: expected a port number from 1 to 65535`;
}

/**
 * libpq's `postgres://USER:PASSWORD@/DATABASE?host=/run/postgresql` (a socket
 * directory, or the host from PGHOST) has no URL form with a user but no host:
 * the user, password and port move to ?user=, ?password= and ?port=, which
 * mean the same to libpq and node-postgres (a parameter already given wins).
 */
function hostlessForm(raw: string, scheme: string, authority: string, at: number, port: string | undefined): string {
  const url = new URL(`${scheme}//${raw.slice(scheme.length + 2 + authority.length)}`);
  const userInfo = at === -1 ? '' : authority.slice(0, at);
  const colon = userInfo.indexOf(':');
  const moved: [string, string | undefined][] = [
    ['user', colon === -1 ? userInfo : userInfo.slice(0, colon)],
    ['password', colon === -1 ? undefined : userInfo.slice(colon + 1)],
    ['port', port],
  ];
  const added = moved.filter(([name, value]) => value !== undefined && value !== '' && !url.searchParams.has(name)).map(([name, value]) => `${name}=${encodeURIComponent(percentDecoded(value!))}`);
  // Appended as text: URLSearchParams would write the query anew, a space as + (which libpq reads as +).
  const query = [url.search.slice(1), ...added].filter((part) => part !== '');
  url.search = '';
  return query.length === 0 ? url.href : `${url.href}?${query.join('&')}`;
}

/** libpq's percent-decoding; a % not followed by two hex digits is itself, as node-postgres reads it. */
export function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (encoded) => {
    try {
      return decodeURIComponent(encoded);
    } catch {
      // Bytes that are no UTF-8.
      return encoded;
    }
  });
}

/** pglite:PATH: a leading ~/ is the home directory, as in a shell (the value often comes from a manifest, never a shell). */
function pgliteStorage(location: string): Storage {
  if (location === 'memory') return { kind: 'pglite' };
  if (location === '' || location.startsWith('//')) throw new Error('expected pglite:PATH (a directory, e.g. pglite:/var/lib/users-grpc) or pglite:memory');
  if (location === '~' || location.startsWith('~/')) return { kind: 'pglite', dataDir: path.join(os.homedir(), location.slice(1)) };
  if (location.startsWith('~')) throw new Error(`pglite:${location.split('/')[0]}…: only ~/ (the home directory) is expanded: give the path itself`);
  return { kind: 'pglite', dataDir: path.resolve(location) };
}

/**
 * The user name libpq and node-postgres log in with when the URL names none:
 * PGUSER, else the system's name for this process's user (not $USER, as
 * libpq). Undefined when neither is known.
 */
export function defaultDatabaseUser(env: NodeJS.ProcessEnv): string | undefined {
  if (env.PGUSER) return env.PGUSER;
  try {
    return os.userInfo().username;
  } catch {
    // A user id with no passwd entry (a container run with an arbitrary uid).
    return undefined;
  }
}

/** Query parameters pg accepts that hold a secret (password, sslpassword): masked like the URL's password. */
const SECRET_PARAMETER = /pass/i;

/**
 * The storage as logs may show it: the password of a URL is masked, and so is
 * whatever follows ?password= (an unencoded & in the password would make its
 * end look like more parameters). What a postgres:// URL leaves out and
 * libpq's variables or defaults give (PGHOST, PGPORT, PGUSER or the system
 * user, PGPASSWORD, PGDATABASE or the user name) is shown as if in the URL, so
 * that the log names the database really used; a PGHOST that is a socket
 * directory goes in `?host=`.
 */
export function describeStorage(storage: Storage, env: NodeJS.ProcessEnv = {}): string {
  if (storage.kind === 'memory') return 'memory';
  if (storage.kind === 'pglite') return storage.dataDir === undefined ? 'pglite:memory' : `pglite:${storage.dataDir}`;
  const url = new URL(storage.url);
  const params = [...url.searchParams];
  const given = (name: string) => params.find(([key]) => key === name)?.[1];
  const added: [string, string][] = [];
  if (url.hostname === '' && given('host') === undefined) {
    const host = env.PGHOST || 'localhost';
    if (host.startsWith('/')) added.push(['host', host]);
    else url.hostname = host;
  }
  if (url.port === '' && given('port') === undefined && env.PGPORT) {
    if (url.hostname === '') added.push(['port', env.PGPORT]);
    else url.port = env.PGPORT;
  }
  const user = url.username === '' ? (given('user') ?? defaultDatabaseUser(env)) : percentDecoded(url.username);
  // A URL without a host holds no user: libpq's ?user= then.
  if (url.username === '' && given('user') === undefined && user !== undefined) {
    if (url.hostname === '') added.push(['user', user]);
    else url.username = encodeURIComponent(user);
  }
  if (url.password === '' && given('password') === undefined && env.PGPASSWORD) url.password = 'x';
  // node-postgres, as libpq, connects to the database named as the user when none is given.
  const database = url.pathname === '' || url.pathname === '/' ? env.PGDATABASE || user : undefined;
  if (database !== undefined) url.pathname = `/${encodeURIComponent(database)}`;
  if (url.password !== '') url.password = '***';
  url.search = '';
  url.hash = '';
  const query = shownQuery(params, added);
  return query === '' ? url.href : `${url.href}?${query}`;
}

/** The query for logs: written as text, since URLSearchParams would write a space as + (libpq's +). */
function shownQuery(params: [string, string][], added: [string, string][]): string {
  const secret = params.findIndex(([name]) => SECRET_PARAMETER.test(name));
  const shown = [...(secret === -1 ? params : params.slice(0, secret)), ...added].map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  if (secret === -1) return shown.join('&');
  return [...shown, `${encodeURIComponent(params[secret][0])}=***`, ...(secret < params.length - 1 ? ['…'] : [])].join('&');
}
