import path from 'node:path';

/** Where users live, from --database-url (DATABASE_URL). */
export type Storage =
  | { kind: 'memory' }
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
  if (scheme === 'postgres:' || scheme === 'postgresql:') {
    // Without //, a URL parser reads "user:password@host" as a path: pg would use a piece of the password as the database name.
    if (!raw.startsWith('//', scheme.length)) throw new Error(`expected ${scheme}// then [USER[:PASSWORD]@]HOST[:PORT]/DATABASE`);
    if (!URL.canParse(raw)) throw new Error(`not a valid ${scheme}// URL (${PASSWORD_HINT})`);
    // An @ past the host (or any #) means the password held an unencoded / ? or #: its end would be read as host, path or query.
    const url = new URL(raw);
    if (`${url.pathname}${url.search}`.includes('@') || raw.includes('#')) throw new Error(`not a valid ${scheme}// URL (${PASSWORD_HINT})`);
    return { kind: 'postgres', url: raw };
  }
  if (scheme === 'pglite:') {
    const location = raw.slice(scheme.length);
    if (location === 'memory') return { kind: 'pglite' };
    if (location === '' || location.startsWith('//')) throw new Error('expected pglite:PATH (a directory, e.g. pglite:/var/lib/users-grpc) or pglite:memory');
    return { kind: 'pglite', dataDir: path.resolve(location) };
  }
  const found = scheme ? `unsupported scheme ${JSON.stringify(scheme)}` : 'no scheme';
  throw new Error(`${found}: expected postgres://…, postgresql://…, pglite:PATH or pglite:memory (unset for the in-memory store)`);
}

/** Query parameters pg accepts that hold a secret (password, sslpassword): masked like the URL's password. */
const SECRET_PARAMETER = /pass/i;

/**
 * The storage as logs may show it: the password of a URL is masked. What a
 * postgres:// URL leaves out and libpq's variables give (PGHOST, PGPORT,
 * PGUSER, PGPASSWORD, PGDATABASE) is shown as if in the URL, so that the log
 * names the database really used; a PGHOST that is a socket directory goes in `?host=`.
 */
export function describeStorage(storage: Storage, env: NodeJS.ProcessEnv = {}): string {
  if (storage.kind === 'memory') return 'memory';
  if (storage.kind === 'pglite') return storage.dataDir === undefined ? 'pglite:memory' : `pglite:${storage.dataDir}`;
  const url = new URL(storage.url);
  if (url.hostname === '' && env.PGHOST) {
    if (env.PGHOST.startsWith('/')) url.searchParams.set('host', env.PGHOST);
    else url.hostname = env.PGHOST;
  }
  if (url.port === '' && env.PGPORT) url.port = env.PGPORT;
  // A URL without a host holds no user: libpq's ?user= then.
  if (url.username === '' && env.PGUSER) {
    if (url.hostname === '') url.searchParams.set('user', env.PGUSER);
    else url.username = env.PGUSER;
  }
  if (url.password === '' && env.PGPASSWORD) url.password = 'x';
  if ((url.pathname === '' || url.pathname === '/') && env.PGDATABASE) url.pathname = `/${env.PGDATABASE}`;
  if (url.password !== '') url.password = '***';
  for (const name of new Set(url.searchParams.keys())) {
    if (SECRET_PARAMETER.test(name)) url.searchParams.set(name, '***');
  }
  url.hash = '';
  return url.href;
}
