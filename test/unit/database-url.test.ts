import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeStorage, parseDatabaseUrl } from '../../src/repository/database-url';
import { postgresClientConfig } from '../../src/repository/sql/postgres-client-config';
import { ConfigError, UnusableFileError } from '../../src/shared/config-error';
import { parseServerConfig } from '../../src/server/config';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { makeTempDir, type TempDir } from '../support/temp-dir';

describe('parseDatabaseUrl', () => {
  test.each([
    ['', { kind: 'memory' }],
    ['postgres://u:p@db:5432/users', { kind: 'postgres', url: 'postgres://u:p@db:5432/users' }],
    ['postgresql://db/users?sslmode=require', { kind: 'postgres', url: 'postgresql://db/users?sslmode=require' }],
    ['POSTGRES://db/users', { kind: 'postgres', url: 'POSTGRES://db/users' }],
    ['pglite:memory', { kind: 'pglite' }],
    ['pglite:/var/lib/users', { kind: 'pglite', dataDir: '/var/lib/users' }],
    ['pglite:data/users', { kind: 'pglite', dataDir: path.resolve('data/users') }],
    ['pglite:./memory', { kind: 'pglite', dataDir: path.resolve('memory') }],
    // A leading ~/ is the home directory, as in a shell: not a directory named ~ in the working directory.
    ['pglite:~/x', { kind: 'pglite', dataDir: path.join(os.homedir(), 'x') }],
    ['pglite:~', { kind: 'pglite', dataDir: os.homedir() }],
    ['pglite:data/~/x', { kind: 'pglite', dataDir: path.resolve('data/~/x') }],
    ['postgres://u:p@[::1]:5432/users', { kind: 'postgres', url: 'postgres://u:p@[::1]:5432/users' }],
    // libpq's socket form: a user but no host has no URL form; user, password and port go to parameters of the same meaning.
    ['postgres://postgres:p%40w@/users?host=/tmp/pg&port=18511', { kind: 'postgres', url: 'postgres:///users?host=/tmp/pg&port=18511&user=postgres&password=p%40w' }],
    ['postgres://app@:5433/users', { kind: 'postgres', url: 'postgres:///users?user=app&port=5433' }],
    ['postgres://app:pw@/users?user=other', { kind: 'postgres', url: 'postgres:///users?user=other&password=pw' }],
    // libpq reads + in the query as itself (URLSearchParams, and so node-postgres, as a space): kept as %2B.
    ['postgres://u@db/x?password=a+b&application_name=c+d', { kind: 'postgres', url: 'postgres://u@db/x?password=a%2Bb&application_name=c%2Bd' }],
    // Moved parameters are appended as text: a %20 already there stays a space, not a + (URLSearchParams would write it +).
    ['postgres://u:p+q@/x?host=/tmp&application_name=a%20b+c', { kind: 'postgres', url: 'postgres:///x?host=/tmp&application_name=a%20b%2Bc&user=u&password=p%2Bq' }],
    // Leading zeros in a port are the number's, as libpq and the URL parser read them.
    ['postgres://u:p@db:018661/users', { kind: 'postgres', url: 'postgres://u:p@db:018661/users' }],
    ['postgres://app@:05433/users', { kind: 'postgres', url: 'postgres:///users?user=app&port=05433' }],
  ])('%j', (raw, expected) => {
    expect(parseDatabaseUrl(raw)).toEqual(expected);
  });

  test.each([
    ['mysql://u:secret@db/users', 'unsupported scheme "mysql:": expected postgres://…, postgresql://…, pglite:PATH or pglite:memory (unset for the in-memory store)'],
    ['db.example.com:5432', 'unsupported scheme "db.example.com:": expected postgres://…, postgresql://…, pglite:PATH or pglite:memory (unset for the in-memory store)'],
    ['/var/lib/users', 'no scheme: expected postgres://…, postgresql://…, pglite:PATH or pglite:memory (unset for the in-memory store)'],
    ['pglite:', 'expected pglite:PATH (a directory, e.g. pglite:/var/lib/users-grpc) or pglite:memory'],
    ['pglite://var/lib', 'expected pglite:PATH (a directory, e.g. pglite:/var/lib/users-grpc) or pglite:memory'],
    ['pglite:~bob/x', 'pglite:~bob…: only ~/ (the home directory) is expanded: give the path itself'],
    // What is really wrong, not the password.
    ['postgres://u:p@ss word@db:99999/x', 'port 99999: expected a port number from 1 to 65535'],
    ['postgres://postgres:pw@127.0.0.1:abc/users', 'port "abc": expected a port number from 1 to 65535'],
    ['postgres://postgres:pw@[::1/users', 'host "[::1": not a valid IPv6 address: write it as [ADDRESS] or [ADDRESS]:PORT'],
    ['postgres://postgres:pw@[db.internal]:5432/users', 'host "[db.internal]:5432": not a valid IPv6 address: write it as [ADDRESS] or [ADDRESS]:PORT'],
    ['postgres://postgres:pw@h1:18599,h2:18511/users', 'several hosts ("h1:18599,h2:18511"): not supported by node-postgres: give one host'],
    ['postgres://u:p@db:0065536/users', 'port 0065536: expected a port number from 1 to 65535'],
    // No @: what follows a : may be a password (the host forgotten), so nothing of it is shown, digits or not.
    ['postgres://admin:s3cret/users', 'no host, or a bad port: what follows ":" is not a port number from 1 to 65535 (with a password, the URL needs its host: postgres://USER:PASSWORD@HOST/DATABASE)'],
    ['postgres://admin:990099/users', 'no host, or a bad port: what follows ":" is not a port number from 1 to 65535 (with a password, the URL needs its host: postgres://USER:PASSWORD@HOST/DATABASE)'],
    ['postgres://db:abc/users', 'no host, or a bad port: what follows ":" is not a port number from 1 to 65535 (with a password, the URL needs its host: postgres://USER:PASSWORD@HOST/DATABASE)'],
    ['postgres://admin:s3cr,et/users', 'several hosts, or no host: a comma before the path (node-postgres takes one host; with a password, the URL needs its host: postgres://USER:PASSWORD@HOST/DATABASE)'],
    ['postgres://[admin:s3cret/users', 'host: not a valid IPv6 address: write it as [ADDRESS] or [ADDRESS]:PORT'],
    ['postgres://postgres:pw@my host/users', 'host "my host": not a valid host name'],
    // Without //, the password would be read as a path: the database name, echoed by PostgreSQL.
    ['postgres:admin:hunter2@db.internal/users', 'expected postgres:// then [USER[:PASSWORD]@]HOST[:PORT]/DATABASE'],
    ['postgresql:/admin:hunter2@db/users', 'expected postgresql:// then [USER[:PASSWORD]@]HOST[:PORT]/DATABASE'],
    // A / ? or # in the password ends the host early: the rest of the password becomes host, path, query or fragment.
    ['postgres://users:Tr0ub4dor@3/horse@db.internal:5432/users', 'not a valid postgres:// URL (check the characters of the password: percent-encode @ : / ? #)'],
    ['postgres://users:Tr0ub@dor#correcthorse@127.0.0.1:5432/users', 'not a valid postgres:// URL (check the characters of the password: percent-encode @ : / ? #)'],
    ['postgres://u:12?hunter2@db/users', 'not a valid postgres:// URL (check the characters of the password: percent-encode @ : / ? #)'],
    ['postgres://u:12#hunter2', 'not a valid postgres:// URL (check the characters of the password: percent-encode @ : / ? #)'],
    ['postgres://u:12?a=hunter2@db/users', 'not a valid postgres:// URL (check the characters of the password: percent-encode @ : / ? #)'],
    // Even in a parameter's value: the password "12?user=hunter2" would otherwise make host u, port 12 and a user shown in logs.
    ['postgres://u:12?user=hunter2@db/users', 'not a valid postgres:// URL (check the characters of the password: percent-encode @ : / ? #)'],
  ])('%j is refused with one line that never repeats the URL', (raw, message) => {
    expect(() => parseDatabaseUrl(raw)).toThrow(new Error(message));
    expect(message).not.toMatch(/s3c|cr,et|990099/);
  });
});

describe('describeStorage (what logs show)', () => {
  const osUser = os.userInfo().username;
  test.each([
    ['postgres://app:s3cret@db:5432/users', 'postgres://app:***@db:5432/users'],
    // What follows ?password= may be a piece of the password (an unencoded &): not shown either.
    ['postgres://app@db/users?password=s3cret&sslmode=require', 'postgres://app@db/users?password=***&…'],
    ['postgres://app@db/users?sslmode=require&password=se&cret', 'postgres://app@db/users?sslmode=require&password=***&…'],
    ['postgres://u@h/db?sslpassword=hunter2&sslmode=require', 'postgres://u@h/db?sslpassword=***&…'],
    ['postgres://app:pw@db/users?sslmode=require&password=s3cret', 'postgres://app:***@db/users?sslmode=require&password=***'],
    // A space is %20, a + is itself (%2B): as libpq would read the URL shown.
    ['postgres://app@db/users?application_name=a%20b+c', 'postgres://app@db/users?application_name=a%20b%2Bc'],
    // An @ in the password, unencoded, is still all masked (the URL keeps the last @ as the separator).
    ['postgres://users:Tr0ub@dor@db.internal:5432/users', 'postgres://users:***@db.internal:5432/users'],
    ['postgres://user@srv:p%2Fss@db/users', 'postgres://user%40srv:***@db/users'],
    // No user: libpq's, the system's name for this process's user.
    ['postgresql://db/users', `postgresql://${osUser}@db/users`],
    ['postgres://postgres:pw@/users?host=/tmp/pg&port=18511', 'postgres:///users?host=%2Ftmp%2Fpg&port=18511&user=postgres&password=***'],
    ['pglite:memory', 'pglite:memory'],
    ['pglite:/data', 'pglite:/data'],
    ['', 'memory'],
  ])('%j → %j', (raw, shown) => {
    expect(describeStorage(parseDatabaseUrl(raw))).toBe(shown);
  });

  test.each<[string, NodeJS.ProcessEnv, string]>([
    ['postgres://', { PGHOST: '127.0.0.1', PGPORT: '47432', PGUSER: 'postgres', PGPASSWORD: 's3cret', PGDATABASE: 'users' }, 'postgres://postgres:***@127.0.0.1:47432/users'],
    ['postgres:///users', { PGHOST: '/var/run/postgresql', PGUSER: 'app' }, 'postgres:///users?host=%2Fvar%2Frun%2Fpostgresql&user=app'],
    // The URL wins over the variables, as with libpq.
    ['postgres://app@db:5432/users', { PGHOST: 'other', PGPORT: '1', PGUSER: 'u', PGDATABASE: 'd' }, 'postgres://app@db:5432/users'],
    // No database anywhere: the one named as the user, which is what node-postgres connects to (libpq too).
    ['postgres://', { PGHOST: '127.0.0.1', PGPORT: '18511', PGUSER: 'postgres', PGPASSWORD: 'pw' }, 'postgres://postgres:***@127.0.0.1:18511/postgres'],
    ['postgres://app@db', {}, 'postgres://app@db/app'],
    // A stray % in the user name is itself, as node-postgres reads it (decoding it threw).
    ['postgres://a%zz@db', {}, 'postgres://a%zz@db/a%25zz'],
    ['postgres://', { PGHOST: '/run/postgresql', PGPORT: '5433', PGUSER: 'app' }, 'postgres:///app?host=%2Frun%2Fpostgresql&port=5433&user=app'],
    ['postgres://', { PGUSER: 'app' }, 'postgres://app@localhost/app'],
    // What libpq's variables add goes before ?password=, so that it is shown.
    ['postgres:///users?password=pw&application_name=a', { PGHOST: '/run/postgresql', PGUSER: 'app' }, 'postgres:///users?host=%2Frun%2Fpostgresql&user=app&password=***&…'],
  ])('%j with libpq variables %j → %j', (raw, env, shown) => {
    expect(describeStorage(parseDatabaseUrl(raw), env)).toBe(shown);
  });
});

describe('postgresClientConfig: libpq semantics', () => {
  let dir: TempDir;
  let certs: TestCertificates;
  beforeAll(() => {
    dir = makeTempDir();
    certs = makeTestCertificates();
  });
  afterAll(() => {
    dir.cleanup();
    certs.cleanup();
  });

  test('host, port, user, password and database from the URL', () => {
    expect(postgresClientConfig('postgres://app:p%40ss@db.internal:6543/users', {})).toMatchObject({
      host: 'db.internal',
      port: 6543,
      user: 'app',
      password: 'p@ss',
      database: 'users',
    });
  });

  test('sslmode=require encrypts without checking the certificate, as libpq does', () => {
    expect(postgresClientConfig('postgres://db/users?sslmode=require', {}).ssl).toEqual({ rejectUnauthorized: false });
  });

  test('sslmode=verify-full checks it; sslmode=disable turns TLS off', () => {
    expect(postgresClientConfig('postgres://db/users?sslmode=verify-full', {}).ssl).toEqual({});
    expect(postgresClientConfig('postgres://db/users?sslmode=disable', {}).ssl).toBe(false);
  });

  test('PGSSLMODE and PGSSLROOTCERT apply when the URL does not say', () => {
    expect(postgresClientConfig('postgres://db/users', { PGSSLMODE: 'verify-ca', PGSSLROOTCERT: certs.caCert }).ssl).toMatchObject({ ca: readFileSync(certs.caCert, 'utf8') });
    expect(postgresClientConfig('postgres://db/users?sslmode=disable', { PGSSLMODE: 'require' }).ssl).toBe(false);
  });

  test('without sslmode: plain text, or TLS with full verification when an SSL file is given (node-postgres; libpq would try TLS, then plain)', () => {
    expect(postgresClientConfig('postgres://db/users', {}).ssl).toBeUndefined();
    expect(postgresClientConfig('postgres://db/users', { PGSSLROOTCERT: certs.caCert }).ssl).toEqual({ ca: readFileSync(certs.caCert, 'utf8') });
  });

  test('sslmode=disable: the SSL files, of the URL or PGSSL*, are neither read nor checked (as libpq)', () => {
    const missing = { PGSSLROOTCERT: '/nonexistent/ca.pem', PGSSLCERT: '/nonexistent/c.pem', PGSSLKEY: '/' };
    expect(postgresClientConfig('postgres://db/users?sslmode=disable', missing).ssl).toBe(false);
    expect(postgresClientConfig('postgres://db/users', { ...missing, PGSSLMODE: 'disable' }).ssl).toBe(false);
    expect(postgresClientConfig('postgres://db/users?sslmode=disable&sslrootcert=/nonexistent/ca.pem&sslcert=/nonexistent/c.pem&sslkey=/', {}).ssl).toBe(false);
    expect(postgresClientConfig('postgres://db/users?sslrootcert=system&sslmode=disable', { PGSSLROOTCERT: 'system' }).ssl).toBe(false);
    // Without sslmode=disable, the same files are read, and refused.
    expect(() => postgresClientConfig('postgres://db/users', missing)).toThrow(new Error('invalid PGSSLROOTCERT "/nonexistent/ca.pem": no such file'));
  });

  test('+ in the query is itself, as libpq reads it, in every parameter (URLSearchParams reads a space)', () => {
    const url = parseDatabaseUrl('postgres://u@db/x?password=a+b&application_name=c+d&options=-c%20search_path%3Dapp+x') as { url: string };
    expect(postgresClientConfig(url.url, {})).toMatchObject({ password: 'a+b', application_name: 'c+d', options: '-c search_path=app+x' });
    // Also for a URL given straight, and in the host-less form, whose user and password move to the query.
    expect(postgresClientConfig('postgres://u@db/x?user=a+b', {})).toMatchObject({ user: 'a+b' });
    const hostless = parseDatabaseUrl('postgres://u+v:p+q@/x?host=/tmp&application_name=a%20b+c') as { url: string };
    expect(postgresClientConfig(hostless.url, {})).toMatchObject({ host: '/tmp', user: 'u+v', password: 'p+q', application_name: 'a b+c' });
    // A stray % (a password 50%off) is itself, and leaves the rest as it is (pg-connection-string re-encoded the URL: %2B read as %2B).
    expect(postgresClientConfig('postgres://u:50%off@db/x?application_name=a+b&options=-c%20x%3Dy', {})).toMatchObject({ password: '50%off', application_name: 'a+b', options: '-c x=y' });
  });

  test.each([
    ['postgres://u@db/a%3Ab', 'a:b'],
    ['postgres://u@db/a%2Fb%20c%3F%C3%A9', 'a/b c?é'],
    ['postgres://u@/a%3Ab?host=/tmp', 'a:b'],
    ['postgres://%2Ftmp/a%3Ab', 'a:b'],
    // A % not followed by two hex digits is itself, as node-postgres reads it.
    ['postgres://u@db/a%zz%3A', 'a%zz:'],
  ])('the database %j is percent-decoded in full, as libpq: %j', (raw, database) => {
    expect(postgresClientConfig((parseDatabaseUrl(raw) as { url: string }).url, {}).database).toBe(database);
  });

  test('a port with leading zeros is its number, as libpq and the URL parser read it', () => {
    expect(postgresClientConfig('postgres://db:018661/users', {}).port).toBe(18661);
    expect(postgresClientConfig('postgres://db/users?port=018661', {}).port).toBe(18661);
    expect(postgresClientConfig('postgres://db/users', { PGPORT: '018661' }).port).toBe(18661);
    expect(postgresClientConfig((parseDatabaseUrl('postgres://app@:05433/users') as { url: string }).url, {}).port).toBe(5433);
    expect(() => postgresClientConfig('postgres://db/users?port=0065536', {})).toThrow(new Error('invalid the database URL: port 0065536: expected a port number from 1 to 65535'));
  });

  test('an SSL file named after ?password= is not shown (it may be a piece of the password), its problem is', () => {
    const hidden = 'not shown, as it may be part of the password: percent-encode & in a password as %26';
    expect(() => postgresClientConfig('postgres://u@db/x?password=ab&sslrootcert=/nonexistent/s3cr3t', {})).toThrow(
      new UnusableFileError(`invalid the database URL: an SSL file named after password= (${hidden}): no such file`),
    );
    expect(() => postgresClientConfig(`postgres://u@db/x?password=ab&sslcert=${certs.clientCert}&sslkey=${certs.serverKey}`, {})).toThrow(
      new UnusableFileError(`invalid the database URL: an SSL file named after password= (${hidden}): a certificate and a key that are no pair`),
    );
    // Before ?password=, or from a variable, the file is named.
    expect(() => postgresClientConfig('postgres://u@db/x?sslrootcert=/nonexistent/ca.pem&password=ab', {})).toThrow(new Error('invalid sslrootcert of the database URL "/nonexistent/ca.pem": no such file'));
    expect(() => postgresClientConfig('postgres://u@db/x?password=ab', { PGSSLROOTCERT: '/nonexistent/ca.pem' })).toThrow(new Error('invalid PGSSLROOTCERT "/nonexistent/ca.pem": no such file'));
  });

  test('sslmode=prefer is refused: node-postgres cannot fall back to plain text', () => {
    expect(() => postgresClientConfig('postgres://db/users?sslmode=prefer', {})).toThrow(
      new Error('invalid the database URL: sslmode "prefer" is not supported: use one of disable, require, verify-ca, verify-full'),
    );
  });

  test('PGPORT applies when the URL has no port; one that is not a port is refused naming PGPORT', () => {
    expect(postgresClientConfig('postgres://db/users', { PGPORT: '6432' }).port).toBe(6432);
    expect(postgresClientConfig('postgres://db:5433/users', { PGPORT: '6432' }).port).toBe(5433);
    for (const bad of ['abc', '99999', '0', '-1', '5432x']) {
      expect(() => postgresClientConfig('postgres://db/users', { PGPORT: bad })).toThrow(new Error(`invalid PGPORT "${bad}": expected a port number from 1 to 65535`));
    }
    expect(() => postgresClientConfig('postgres://db:0/users', {})).toThrow(new Error('invalid the database URL: port 0: expected a port number from 1 to 65535'));
    expect(() => postgresClientConfig('postgres://db/users?port=99999', {})).toThrow(new Error('invalid the database URL: port 99999: expected a port number from 1 to 65535'));
    expect(() => postgresClientConfig('postgres://db/users?port=5432x', {})).toThrow(new Error('invalid the database URL: port "5432x": expected a port number from 1 to 65535'));
    // ?port= wins over PGPORT, as in libpq.
    expect(postgresClientConfig('postgres://db/users?port=5433', { PGPORT: '6432' }).port).toBe(5433);
  });

  test.each([
    [{ PGSSLMODE: 'require', PGSSLROOTCERT: '/nonexistent/ca.pem' }, 'postgres://db/users', 'invalid PGSSLROOTCERT "/nonexistent/ca.pem": no such file'],
    [{ PGSSLMODE: 'require', PGSSLKEY: '/' }, 'postgres://db/users', 'invalid PGSSLKEY "/": is a directory'],
    [{}, 'postgres://u:hunter2@db/users?sslmode=verify-full&sslcert=/nonexistent/c.pem', 'invalid sslcert of the database URL "/nonexistent/c.pem": no such file'],
  ])('an SSL file that cannot be read is named with its setting: %j %s', (env, url, message) => {
    expect(() => postgresClientConfig(url, env)).toThrow(new Error(message));
  });

  test('an SSL file that is not what its setting needs is refused at start, not left to a TLS error', () => {
    // A private key given as the CA: Node would skip it, and fail later with "unable to verify the first certificate".
    expect(() => postgresClientConfig(`postgres://db/users?sslmode=verify-full&sslrootcert=${certs.serverKey}`, {})).toThrow(
      new Error(`invalid sslrootcert of the database URL "${certs.serverKey}": expected a CERTIFICATE, the file holds a PRIVATE KEY`),
    );
    expect(() => postgresClientConfig('postgres://db/users?sslmode=verify-full', { PGSSLCERT: certs.clientCert, PGSSLKEY: certs.serverKey })).toThrow(
      new Error(`PGSSLKEY "${certs.serverKey}" is not the key of the certificate in PGSSLCERT "${certs.clientCert}"`),
    );
    expect(postgresClientConfig('postgres://db/users?sslmode=verify-full', { PGSSLCERT: certs.clientCert, PGSSLKEY: certs.clientKey }).ssl).toMatchObject({
      cert: readFileSync(certs.clientCert, 'utf8'),
    });
  });

  describe('the user: the URL, PGUSER, else the system user as libpq (not $USER)', () => {
    const osModule = jest.requireActual<typeof os>('node:os');
    afterEach(() => jest.restoreAllMocks());

    test('the URL, then PGUSER, then the system user; the database named as the user when none is given', () => {
      expect(postgresClientConfig('postgres://app@db/users', { PGUSER: 'other' })).toMatchObject({ user: 'app', database: 'users' });
      expect(postgresClientConfig('postgres://db', { PGUSER: 'other' })).toMatchObject({ user: 'other', database: 'other' });
      expect(postgresClientConfig('postgres://db', { USER: 'someone-else' })).toMatchObject({ user: os.userInfo().username, host: 'db', port: 5432 });
      expect(postgresClientConfig('postgres://', { PGHOST: '/run/postgresql', PGPORT: '5433', PGDATABASE: 'users', PGUSER: 'app' })).toMatchObject({
        host: '/run/postgresql',
        port: 5433,
        user: 'app',
        database: 'users',
      });
    });

    test('none at all (a uid with no name, as in many containers): one line saying where to give one, exit 2', () => {
      jest.spyOn(osModule, 'userInfo').mockImplementation(() => {
        throw Object.assign(new Error('ENOENT: no such file or directory, uv_os_get_passwd returned ENOENT'), { code: 'ENOENT' });
      });
      const message = `invalid DATABASE_URL: no user name: the URL names none, PGUSER is unset and this system has no name for user id ${process.getuid!()}: give one in the URL (postgres://USER@HOST/DATABASE) or PGUSER`;
      expect(() => parseServerConfig([], { DATABASE_URL: 'postgres://:hunter2@127.0.0.1:5432/users' })).toThrow(new ConfigError(message));
      expect(parseServerConfig([], { DATABASE_URL: 'postgres://127.0.0.1/users', PGUSER: 'app' }).database).toEqual({ kind: 'postgres', url: 'postgres://127.0.0.1/users' });
    });
  });
});

const AFTER_PASSWORD_NOTE = 'not shown, as it may be part of the password: percent-encode & in a password as %26';

describe('server settings --database-url and --database-pool-size', () => {
  const configError = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    try {
      parseServerConfig(argv, env);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('no ConfigError');
  };

  test('unset: the in-memory store, 10 connections', () => {
    const config = parseServerConfig([], {});
    expect(config.database).toBeUndefined();
    expect(config.databasePoolSize).toBe(10);
  });

  test('from the flag or DATABASE_URL, the flag first', () => {
    expect(parseServerConfig(['--database-url=pglite:memory'], {}).database).toEqual({ kind: 'pglite' });
    expect(parseServerConfig([], { DATABASE_URL: 'postgres://db/users' }).database).toEqual({ kind: 'postgres', url: 'postgres://db/users' });
    expect(parseServerConfig(['--database-url=pglite:memory'], { DATABASE_URL: 'postgres://db/users' }).database).toEqual({ kind: 'pglite' });
    expect(parseServerConfig(['--database-pool-size=25'], {}).databasePoolSize).toBe(25);
    expect(parseServerConfig([], { DATABASE_POOL_SIZE: '1' }).databasePoolSize).toBe(1);
  });

  test.each([
    [['--database-url=mysql://root:hunter2@db/x'], {}, 'invalid --database-url: unsupported scheme "mysql:": expected postgres://…, postgresql://…, pglite:PATH or pglite:memory (unset for the in-memory store)'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/x?sslmode=prefer' }, 'invalid DATABASE_URL: sslmode "prefer" is not supported: use one of disable, require, verify-ca, verify-full'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/x', PGSSLMODE: 'allow' }, 'invalid PGSSLMODE "allow": not supported: use one of disable, require, verify-ca, verify-full'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/x', PGPORT: 'abc' }, 'invalid PGPORT "abc": expected a port number from 1 to 65535'],
    [['--database-url=postgres://u:hunter2@db:0/x'], {}, 'invalid --database-url: port 0: expected a port number from 1 to 65535'],
    [['--database-url=postgres:admin:hunter2@db.internal/users'], {}, 'invalid --database-url: expected postgres:// then [USER[:PASSWORD]@]HOST[:PORT]/DATABASE'],
    [[], { DATABASE_URL: 'postgres://users:hunter2@3/horse@db.internal:5432/users' }, 'invalid DATABASE_URL: not a valid postgres:// URL (check the characters of the password: percent-encode @ : / ? #)'],
    // Parameters: a typo or one node-postgres ignores is refused, as libpq refuses what it does not know (a typo could turn TLS off).
    [['--database-url=postgres://u:hunter2@db/users?sslmod=require&application_name=opsprobe'], {}, 'invalid --database-url: unknown parameter "sslmod" (did you mean sslmode?)'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/users?sslmode=verify-full&sslrootcrt=/tmp/ca.crt' }, 'invalid DATABASE_URL: unknown parameter "sslrootcrt" (did you mean sslrootcert?)'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/users?foo=bar' }, 'invalid DATABASE_URL: unknown parameter "foo"'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/users?SSLMODE=require' }, 'invalid DATABASE_URL: unknown parameter "SSLMODE" (did you mean sslmode?)'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/users?channel_binding=require' }, 'invalid DATABASE_URL: parameter "channel_binding": not supported by node-postgres'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/users?target_session_attrs=read-write' }, 'invalid DATABASE_URL: parameter "target_session_attrs": not supported by node-postgres'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/users?sslpassword=hunter2' }, 'invalid DATABASE_URL: parameter "sslpassword": not supported by node-postgres'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db?dbname=users' }, 'invalid DATABASE_URL: parameter "dbname": not supported by node-postgres: give the database as the URL\'s path (postgres://HOST/DATABASE)'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/users?connect_timeout=10' }, 'invalid DATABASE_URL: parameter "connect_timeout": not supported by node-postgres: users-server waits 5 s for a connection'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/users?statement_timeout=100' }, 'invalid DATABASE_URL: parameter "statement_timeout": set by users-server itself (3 s)'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/users?ssl=true' }, 'invalid DATABASE_URL: parameter "ssl": a node-postgres setting, not libpq\'s: use sslmode (require, verify-ca or verify-full)'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/users?stream=x' }, 'invalid DATABASE_URL: unknown parameter "stream"'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/users?sslmode=require&sslmode=disable' }, 'invalid DATABASE_URL: parameter "sslmode" is given twice'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/users?lock_timeout=5s' }, 'invalid DATABASE_URL: lock_timeout "5s": expected a whole number of milliseconds'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/users?sslnegotiation=fast' }, 'invalid DATABASE_URL: sslnegotiation "fast": expected postgres or direct'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@/users?host=h1,h2' }, 'invalid DATABASE_URL: host "h1,h2": several hosts: not supported by node-postgres: give one host'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@h1:18599,h2:18511/users' }, 'invalid DATABASE_URL: several hosts ("h1:18599,h2:18511"): not supported by node-postgres: give one host'],
    [['--database-url=postgres://u:hunter2@127.0.0.1:99999/users'], {}, 'invalid --database-url: port 99999: expected a port number from 1 to 65535'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/x?sslmode=verify-full&sslrootcert=system' }, 'invalid DATABASE_URL: sslrootcert "system": the system\'s CAs are not supported by node-postgres: give a CA file (e.g. /etc/ssl/certs/ca-certificates.crt)'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/x', PGSSLMODE: 'verify-full', PGSSLROOTCERT: 'system' }, 'invalid PGSSLROOTCERT "system": the system\'s CAs are not supported by node-postgres: give a CA file (e.g. /etc/ssl/certs/ca-certificates.crt)'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/x?sslmode=verify-ca' }, 'invalid DATABASE_URL: sslmode "verify-ca": needs sslrootcert (or PGSSLROOTCERT): the CA that signed the server\'s certificate'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/x', PGSSLMODE: 'verify-ca' }, 'invalid PGSSLMODE "verify-ca": needs sslrootcert (or PGSSLROOTCERT): the CA that signed the server\'s certificate'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/x?sslnegotiation=direct&sslmode=disable' }, 'invalid DATABASE_URL: sslnegotiation "direct" needs sslmode require, verify-ca or verify-full (it is "disable")'],
    [[], { DATABASE_URL: 'postgres://u:hunter2@db/x?sslnegotiation=direct' }, 'invalid DATABASE_URL: sslnegotiation "direct" needs sslmode require, verify-ca or verify-full (it is unset)'],
    [[], { DATABASE_URL: 'postgres://', PGHOST: 'h1,h2', PGUSER: 'u', PGPASSWORD: 'hunter2' }, 'invalid PGHOST "h1,h2": several hosts: not supported by node-postgres: give one host'],
    // After ?password=, names and values may be pieces of the password (an unencoded &): the problem is said, not them.
    [[], { DATABASE_URL: 'postgres://u@h/db?password=se&hunter2' }, `invalid DATABASE_URL: an unknown parameter after password= (${AFTER_PASSWORD_NOTE})`],
    [[], { DATABASE_URL: 'postgres://u@h/db?password=ab&sslmode=hunter2' }, `invalid DATABASE_URL: a bad value of a parameter after password= (${AFTER_PASSWORD_NOTE})`],
    [[], { DATABASE_URL: 'postgres://u@h/db?password=ab&port=hunter2' }, `invalid DATABASE_URL: a bad value of a parameter after password= (${AFTER_PASSWORD_NOTE})`],
    [[], { DATABASE_URL: 'postgres://u@h/db?password=ab&host=hun,ter2' }, `invalid DATABASE_URL: a bad value of a parameter after password= (${AFTER_PASSWORD_NOTE})`],
    [[], { DATABASE_URL: 'postgres://u@h/db?password=ab&lock_timeout=hunter2' }, `invalid DATABASE_URL: a bad value of a parameter after password= (${AFTER_PASSWORD_NOTE})`],
    [[], { DATABASE_URL: 'postgres://u@h/db?password=ab&sslrootcert=system&sslmode=verify-full' }, `invalid DATABASE_URL: a bad value of a parameter after password= (${AFTER_PASSWORD_NOTE})`],
    [[], { DATABASE_URL: 'postgres://u@h/db?password=ab&sslmode=verify-ca' }, `invalid DATABASE_URL: a bad value of a parameter after password= (${AFTER_PASSWORD_NOTE})`],
    [[], { DATABASE_URL: 'postgres://u@h/db?password=ab&hunter2=x&user=y' }, `invalid DATABASE_URL: an unknown parameter after password= (${AFTER_PASSWORD_NOTE})`],
    [[], { DATABASE_URL: 'postgres://u@h/db?password=ab&ssl=hunter2' }, `invalid DATABASE_URL: a parameter users-server refuses after password= (${AFTER_PASSWORD_NOTE})`],
    [[], { DATABASE_URL: 'postgres://u@h/db?password=ab&password=hunter2' }, `invalid DATABASE_URL: a parameter given twice after password= (${AFTER_PASSWORD_NOTE})`],
    [[], { DATABASE_URL: 'postgres://u@h/db?sslmode=fast&password=ab' }, 'invalid DATABASE_URL: sslmode "fast" is not supported: use one of disable, require, verify-ca, verify-full'],
    // Exit 2 without the password's pieces: the host forgotten, the password taken for a port or a host list.
    [[], { DATABASE_URL: 'postgres://admin:hunter2/users' }, 'invalid DATABASE_URL: no host, or a bad port: what follows ":" is not a port number from 1 to 65535 (with a password, the URL needs its host: postgres://USER:PASSWORD@HOST/DATABASE)'],
    [['--database-url=postgres://admin:hun,ter2/users'], {}, 'invalid --database-url: several hosts, or no host: a comma before the path (node-postgres takes one host; with a password, the URL needs its host: postgres://USER:PASSWORD@HOST/DATABASE)'],
    [['--database-pool-size=0'], {}, 'invalid --database-pool-size "0": expected a whole number from 1 to 1000'],
    [[], { DATABASE_POOL_SIZE: 'ten' }, 'invalid DATABASE_POOL_SIZE "ten": expected a whole number from 1 to 1000'],
  ])('%j %j: %s', (argv, env, message) => {
    const error = configError(argv, env);
    expect(error).toBe(message);
    expect(error).not.toMatch(/hunter2|hun,ter2/);
  });

  test('the parameters node-postgres honours with libpq\'s meaning are taken', () => {
    const url = 'postgres://u:hunter2@/users?host=/run/postgresql&port=5433&sslmode=disable&application_name=ops&fallback_application_name=f&options=-c%20search_path%3Dapp&lock_timeout=5000&idle_in_transaction_session_timeout=60000&sslnegotiation=postgres&user=app&password=pw';
    const storage = parseServerConfig([], { DATABASE_URL: url }).database as { kind: 'postgres'; url: string };
    // The URL's user and password yield to ?user= and ?password=, as in node-postgres.
    expect(storage.url).toBe(url.replace('u:hunter2@', ''));
    expect(postgresClientConfig(storage.url, {})).toMatchObject({ host: '/run/postgresql', port: 5433, user: 'app', password: 'pw', application_name: 'ops', options: '-c search_path=app', lock_timeout: '5000' });
  });

  test('a missing sslrootcert file is no bad value: it is read at start (an unusable resource, exit 1)', () => {
    expect(parseServerConfig([], { DATABASE_URL: 'postgres://u:hunter2@db/x?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem', PGSSLROOTCERT: '/nonexistent' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u:hunter2@db/x?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem',
    });
  });
});
