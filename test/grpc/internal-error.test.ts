import { Status_StatusCode } from '../../gen/user/user';
import { clientErrorOf } from '../support/client-errors';
import { failingRepository } from '../support/failing-repository';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';
import { callLines, fieldsOf } from '../support/log-lines';

const SECRET = 'connection to db-7.internal:5432 refused (password=hunter2)';
let env: InProcessServer;
beforeAll(async () => {
  env = await startInProcessServer({}, failingRepository(new Error(SECRET), 'list', 'insert', 'searchAge'));
});
afterAll(() => env.stop());

test.each([
  ['List', () => env.client.list({})],
  ['Create', () => env.client.create({ user: { id: '', age: 1, name: undefined, email: 'a@x.io', phone: '', address: '' } })],
  ['SearchAge', () => env.client.searchAge({ ageRange: { from: 1, toIncluded: 2 } })],
])('%s: an unexpected repository failure is INTERNAL "internal error", details in the server log only', async (method, call) => {
  const path = `/user.UserService/${method}`;
  expect(await clientErrorOf(call())).toEqual({ code: 'INTERNAL', details: 'internal error' });

  const errors = env.logger.lines.filter((l) => l.message === 'unexpected error in call' && l.method === path).map(fieldsOf);
  expect(errors).toEqual([{ level: 'error', message: 'unexpected error in call', method: path, error: expect.stringContaining(`Error: ${SECRET}\n    at `) }]);
  expect(callLines(env.logger.lines, path)).toEqual([{ level: 'info', message: 'call', method: path, grpc_code: 'INTERNAL', duration_ms: expect.any(Number) }]);
});

test('calls that do not reach the broken methods still answer', async () => {
  expect(await env.client.getByEmail({ email: 'a@x.io' })).toEqual({
    status: { code: Status_StatusCode.INVALID_QUERY, msg: 'the email a@x.io cannot be found' },
    user: undefined,
  });
});

test('a validation failure does not reach the repository: INVALID_QUERY, not INTERNAL', async () => {
  expect((await env.client.create({ user: undefined })).status).toEqual({ code: Status_StatusCode.INVALID_QUERY, msg: 'user is required' });
});
