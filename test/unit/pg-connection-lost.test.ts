import { DatabaseError } from 'pg';
import { PgDriver } from '../../src/repository/sql/pg-driver';

// Which failures mean "this session's connection was lost" (retry on a new
// connection, then check the database) rather than "the database is down or
// hangs" (down at once: a retry would only wait again).
const driver = new PgDriver({ host: '127.0.0.1', port: 9, user: 'nobody' }, 1, 'test');
afterAll(() => driver.close());

const sqlError = (code: string, message: string) => Object.assign(new DatabaseError(message, 0, 'error'), { code });
const networkError = (code: string) => Object.assign(new Error(`read ${code}`), { code });

test.each([
  ['57P01 an administrator terminated the session (or a fast shutdown)', true, true, sqlError('57P01', 'terminating connection due to administrator command')],
  ['57P02 a crashed sibling backend', true, true, sqlError('57P02', 'terminating connection because of crash of another server process')],
  ['08006 connection failure', true, true, sqlError('08006', 'connection failure')],
  ['a socket reset', true, true, networkError('ECONNRESET')],
  ['a broken pipe', true, true, networkError('EPIPE')],
  ['the socket ended under a statement', true, true, new Error('Connection terminated unexpectedly')],
  ['a pooled connection that broke while idle', true, true, new Error('Client has encountered a connection error and is not queryable')],
  ['57P03 the server starting or shutting down', false, true, sqlError('57P03', 'the database system is shutting down')],
  ['a refused connection', false, true, networkError('ECONNREFUSED')],
  // A socket directory where no server listens: the same "database unavailable" as a refused TCP connection.
  ['a socket path with no server', false, true, Object.assign(new Error('connect ENOENT /tmp/.s.PGSQL.5432'), { code: 'ENOENT', syscall: 'connect' })],
  ['a socket path not allowed', false, true, Object.assign(new Error('connect EACCES /run/postgresql/.s.PGSQL.5432'), { code: 'EACCES', syscall: 'connect' })],
  ['a missing file, not a connection', false, false, Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), { code: 'ENOENT', syscall: 'open' })],
  ['a connection that got no answer in time', false, true, new Error('Connection terminated due to connection timeout')],
  ['a statement that got no answer in time', false, true, new Error('Query read timeout')],
  ['28P01 a refused password', false, true, sqlError('28P01', 'password authentication failed for user "nobody"')],
  ['42P01 the table missing', false, false, sqlError('42P01', 'relation "users" does not exist')],
  ['not an Error', false, false, 'Connection terminated unexpectedly'],
])('%s: lost %s, unavailable %s', (_, lost, unavailable, error) => {
  expect(driver.isConnectionLost(error)).toBe(lost);
  expect(driver.isUnavailable(error)).toBe(unavailable);
});
