import { RepositoryOverloadedError, RepositoryUnavailableError } from '../../src/domain/storage-errors';
import { clientErrorOf } from '../support/client-errors';
import { failingRepository } from '../support/failing-repository';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';
import { callLines } from '../support/log-lines';

// What the SQL repository throws when it cannot reach the database (test/storage covers a real outage).
const cause = new Error('connect ECONNREFUSED 10.0.0.7:5432 (user app, password hunter2)');
let env: InProcessServer;
beforeAll(async () => {
  env = await startInProcessServer({}, failingRepository(new RepositoryUnavailableError({ cause }), 'list', 'insert', 'searchAge', 'searchName'));
});
afterAll(() => env.stop());

test.each([
  ['List', () => env.client.list({})],
  ['Create', () => env.client.create({ user: { id: '', age: 1, name: { first: 'A', last: 'B' }, email: 'a@x.io', phone: '', address: '' } })],
  ['SearchAge', () => env.client.searchAge({ ageRange: { from: 1, toIncluded: 2 } })],
  ['SearchName', () => env.client.searchName({ query: 'al' })],
])('%s: UNAVAILABLE "database unavailable", no detail on the wire, no per-call error line', async (method, call) => {
  const path = `/user.UserService/${method}`;
  expect(await clientErrorOf(call())).toEqual({ code: 'UNAVAILABLE', details: 'database unavailable' });
  expect(env.logger.lines.filter((l) => l.message === 'unexpected error in call')).toEqual([]);
  expect(callLines(env.logger.lines, path)).toEqual([{ level: 'info', message: 'call', method: path, grpc_code: 'UNAVAILABLE', duration_ms: expect.any(Number) }]);
});

describe('a database short of resources', () => {
  test.each([
    [false, 'UNAVAILABLE', 'database overloaded'],
    [true, 'RESOURCE_EXHAUSTED', 'database storage is full'],
  ])('storage full %s: %s "%s", no detail on the wire', async (storageFull, code, details) => {
    const overloaded = new RepositoryOverloadedError(storageFull, { cause: new Error('too many connections for role "app" (password hunter2)') });
    const server = await startInProcessServer({}, failingRepository(overloaded, 'insert', 'list'));
    try {
      expect(await clientErrorOf(server.client.list({}))).toEqual({ code, details });
      expect(await clientErrorOf(server.client.create({ user: { id: '', age: 1, name: { first: 'A', last: 'B' }, email: 'a@x.io', phone: '', address: '' } }))).toEqual({ code, details });
      expect(server.logger.lines.filter((l) => l.message === 'unexpected error in call')).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
