import { requireServerBundle } from '../support/prerequisites';
import { BUF_BIN, run, startServerProcess, type ServerProcess } from '../support/processes';
import { protoJsonUser, sampleUsersByEmail } from '../support/sample-users-json';
import { byEmail } from '../support/users';

// buf curl finds the schema through server reflection: no proto files at hand.
let server: ServerProcess;
beforeAll(async () => {
  requireServerBundle();
  server = await startServerProcess();
});
afterAll(() => server.stop());

async function bufCurl(path: string, body?: string) {
  const args = ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...(body === undefined ? [] : ['-d', body]), `http://${server.address}/${path}`];
  return run(BUF_BIN, args, { timeoutMs: 30_000 });
}

async function bufCurlJson(path: string, body?: string): Promise<unknown> {
  const result = await bufCurl(path, body);
  if (result.code !== 0) throw new Error(`buf curl ${path} exited ${result.code}: ${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout);
}

const users = sampleUsersByEmail();
const sampleWithEmail = (email: string) => protoJsonUser(users.find((u) => u.email === email)!);

test('List: every sample user, sorted by email', async () => {
  expect(await bufCurlJson('user.UserService/List')).toEqual({ status: { code: 'SUCCESS' }, users: users.map(protoJsonUser) });
});

test('GetByEmail with JSON input', async () => {
  expect(await bufCurlJson('user.UserService/GetByEmail', '{"email":"jose.carvalho@example.com"}')).toEqual({
    status: { code: 'SUCCESS' },
    user: sampleWithEmail('jose.carvalho@example.com'),
  });
});

test('GetByEmail of an unknown email: INVALID_QUERY and the message', async () => {
  expect(await bufCurlJson('user.UserService/GetByEmail', '{"email":"nobody@example.com"}')).toEqual({
    status: { code: 'INVALID_QUERY', msg: 'the email nobody@example.com cannot be found' },
  });
});

test('SearchAge with ageRange {from, toIncluded}: sorted by age, then email', async () => {
  const expected = users
    .filter((u) => u.age >= 30 && u.age <= 42)
    .sort((a, b) => a.age - b.age || byEmail(a, b))
    .map(protoJsonUser);
  expect(expected.length).toBeGreaterThan(5);
  expect(await bufCurlJson('user.UserService/SearchAge', '{"ageRange":{"from":30,"toIncluded":42}}')).toEqual({ status: { code: 'SUCCESS' }, users: expected });
});

test('SearchName ignores case and diacritics', async () => {
  expect(await bufCurlJson('user.UserService/SearchName', '{"query":"MAEL"}')).toEqual({
    status: { code: 'SUCCESS' },
    users: [sampleWithEmail('mael.valadier@example.com')],
  });
});

test('Create then a duplicate: FAILED is the zero value, so JSON leaves the code out', async () => {
  const user = { email: 'New.Person@example.com', age: 40, name: { first: 'New', last: 'Person' } };
  const created = (await bufCurlJson('user.UserService/Create', JSON.stringify({ user }))) as { user: { id: string } };
  expect(created).toEqual({ status: { code: 'SUCCESS' }, user: { ...user, id: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
  expect(await bufCurlJson('user.UserService/Create', JSON.stringify({ user: { ...user, email: 'new.person@example.com' } }))).toEqual({
    status: { msg: 'email already exists' },
  });
});

test.each(['', 'user.UserService'])('grpc.health.v1.Health/Check of %j: SERVING', async (service) => {
  expect(await bufCurlJson('grpc.health.v1.Health/Check', JSON.stringify({ service }))).toEqual({ status: 'SERVING' });
});

test('grpc.health.v1.Health/Check with no body asks for the whole server', async () => {
  expect(await bufCurlJson('grpc.health.v1.Health/Check')).toEqual({ status: 'SERVING' });
});

test('an unknown health service: buf curl prints the NOT_FOUND error and exits 40 (8 x the Connect code)', async () => {
  const result = await bufCurl('grpc.health.v1.Health/Check', '{"service":"nope"}');
  expect(result.code).toBe(40);
  expect(result.stdout).toBe('');
  expect(JSON.parse(result.stderr)).toEqual({ code: 'not_found', message: "Unknown service: 'nope'" });
});
