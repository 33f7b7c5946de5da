import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeStorage, parseDatabaseUrl } from '../../src/repository/database-url';
import { postgresClientConfig } from '../../src/repository/sql/postgres-client-config';
import { ConfigError } from '../../src/shared/config-error';
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
    ['postgres://postgres:p%40w@/users?host=/tmp/pg&port=18511', { kind: 'postgres', url: 'postgres:///users?host=%2Ftmp%2Fpg&port=18511&user=postgres&password=p%40w' }],
    ['postgres://app@:5433/users', { kind: 'postgres', url: 'postgres:///users?user=app&port=5433' }],
    ['postgres://app:pw@/users?user=other', { kind: 'postgres', url: 'postgres:///users?user=other&password=pw' }],
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
  });
});

describe('describeStorage (what logs show)', () => {
  const osUser = os.userInfo().username;
  test.each([
    ['postgres://app:s3cret@db:5432/users', 'postgres://app:***@db:5432/users'],
    ['postgres://app@db/users?password=s3cret&sslmode=require', 'postgres://app@db/users?password=***&sslmode=require'],
    ['postgres://u@h/db?sslpassword=hunter2&sslmode=require', 'postgres://u@h/db?sslpassword=***&sslmode=require'],
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
    [[], { DATABASE_URL: 'postgres://', PGHOST: 'h1,h2', PGUSER: 'u', PGPASSWORD: 'hunter2' }, 'invalid PGHOST "h1,h2": several hosts: not supported by node-postgres: give one host'],
    [['--database-pool-size=0'], {}, 'invalid --database-pool-size "0": expected a whole number from 1 to 1000'],
    [[], { DATABASE_POOL_SIZE: 'ten' }, 'invalid DATABASE_POOL_SIZE "ten": expected a whole number from 1 to 1000'],
  ])('%j %j: %s', (argv, env, message) => {
    const error = configError(argv, env);
    expect(error).toBe(message);
    expect(error).not.toContain('hunter2');
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
