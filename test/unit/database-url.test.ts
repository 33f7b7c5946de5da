import path from 'node:path';
import { describeStorage, parseDatabaseUrl } from '../../src/repository/database-url';
import { postgresClientConfig } from '../../src/repository/sql/postgres-client-config';
import { ConfigError } from '../../src/shared/config-error';
import { parseServerConfig } from '../../src/server/config';
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
  ])('%j', (raw, expected) => {
    expect(parseDatabaseUrl(raw)).toEqual(expected);
  });

  test.each([
    ['mysql://u:secret@db/users', 'unsupported scheme "mysql:": expected postgres://…, postgresql://…, pglite:PATH or pglite:memory (unset for the in-memory store)'],
    ['db.example.com:5432', 'unsupported scheme "db.example.com:": expected postgres://…, postgresql://…, pglite:PATH or pglite:memory (unset for the in-memory store)'],
    ['/var/lib/users', 'no scheme: expected postgres://…, postgresql://…, pglite:PATH or pglite:memory (unset for the in-memory store)'],
    ['pglite:', 'expected pglite:PATH (a directory, e.g. pglite:/var/lib/users-grpc) or pglite:memory'],
    ['pglite://var/lib', 'expected pglite:PATH (a directory, e.g. pglite:/var/lib/users-grpc) or pglite:memory'],
    ['postgres://u:p@ss word@db:99999/x', 'not a valid postgres:// URL (check the characters of the password: percent-encode @ : / ? #)'],
    // Without //, the password would be read as a path: the database name, echoed by PostgreSQL.
    ['postgres:admin:hunter2@db.internal/users', 'expected postgres:// then [USER[:PASSWORD]@]HOST[:PORT]/DATABASE'],
    ['postgresql:/admin:hunter2@db/users', 'expected postgresql:// then [USER[:PASSWORD]@]HOST[:PORT]/DATABASE'],
    // A / ? or # in the password ends the host early: the rest of the password becomes host, path, query or fragment.
    ['postgres://users:Tr0ub4dor@3/horse@db.internal:5432/users', 'not a valid postgres:// URL (check the characters of the password: percent-encode @ : / ? #)'],
    ['postgres://users:Tr0ub@dor#correcthorse@127.0.0.1:5432/users', 'not a valid postgres:// URL (check the characters of the password: percent-encode @ : / ? #)'],
    ['postgres://u:12?hunter2@db/users', 'not a valid postgres:// URL (check the characters of the password: percent-encode @ : / ? #)'],
    ['postgres://u:12#hunter2', 'not a valid postgres:// URL (check the characters of the password: percent-encode @ : / ? #)'],
  ])('%j is refused with one line that never repeats the URL', (raw, message) => {
    expect(() => parseDatabaseUrl(raw)).toThrow(new Error(message));
  });
});

describe('describeStorage (what logs show)', () => {
  test.each([
    ['postgres://app:s3cret@db:5432/users', 'postgres://app:***@db:5432/users'],
    ['postgres://app@db/users?password=s3cret&sslmode=require', 'postgres://app@db/users?password=***&sslmode=require'],
    ['postgres://u@h/db?sslpassword=hunter2&sslmode=require', 'postgres://u@h/db?sslpassword=***&sslmode=require'],
    // An @ in the password, unencoded, is still all masked (the URL keeps the last @ as the separator).
    ['postgres://users:Tr0ub@dor@db.internal:5432/users', 'postgres://users:***@db.internal:5432/users'],
    ['postgres://user@srv:p%2Fss@db/users', 'postgres://user%40srv:***@db/users'],
    ['postgresql://db/users', 'postgresql://db/users'],
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
  ])('%j with libpq variables %j → %j', (raw, env, shown) => {
    expect(describeStorage(parseDatabaseUrl(raw), env)).toBe(shown);
  });
});

describe('postgresClientConfig: libpq semantics', () => {
  let dir: TempDir;
  beforeAll(() => (dir = makeTempDir()));
  afterAll(() => dir.cleanup());

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
    const ca = dir.write('ca.pem', 'CA PEM');
    expect(postgresClientConfig('postgres://db/users', { PGSSLMODE: 'verify-ca', PGSSLROOTCERT: ca }).ssl).toMatchObject({ ca: 'CA PEM' });
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
    expect(() => postgresClientConfig('postgres://db/users?port=99999', {})).toThrow(new Error('invalid the database URL: port "99999": expected a port number from 1 to 65535'));
  });

  test.each([
    [{ PGSSLMODE: 'require', PGSSLROOTCERT: '/nonexistent/ca.pem' }, 'postgres://db/users', 'PGSSLROOTCERT "/nonexistent/ca.pem": cannot read the file (no such file)'],
    [{ PGSSLMODE: 'require', PGSSLKEY: '/' }, 'postgres://db/users', 'PGSSLKEY "/": cannot read the file (is a directory)'],
    [{}, 'postgres://u:hunter2@db/users?sslmode=verify-full&sslcert=/nonexistent/c.pem', 'sslcert of the database URL "/nonexistent/c.pem": cannot read the file (no such file)'],
  ])('an SSL file that cannot be read is named with its setting: %j %s', (env, url, message) => {
    expect(() => postgresClientConfig(url, env)).toThrow(new Error(message));
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
    [['--database-pool-size=0'], {}, 'invalid --database-pool-size "0": expected a whole number from 1 to 1000'],
    [[], { DATABASE_POOL_SIZE: 'ten' }, 'invalid DATABASE_POOL_SIZE "ten": expected a whole number from 1 to 1000'],
  ])('%j %j: %s', (argv, env, message) => {
    const error = configError(argv, env);
    expect(error).toBe(message);
    expect(error).not.toContain('hunter2');
  });

  test('a missing sslrootcert file is no bad value: it is read at start (an unusable resource, exit 1)', () => {
    expect(parseServerConfig([], { DATABASE_URL: 'postgres://u:hunter2@db/x?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem', PGSSLROOTCERT: '/nonexistent' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u:hunter2@db/x?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem',
    });
  });
});
