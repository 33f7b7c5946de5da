import { Status_StatusCode, type User as WireUser } from '../../gen/user/user';
import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';
import { callLines } from '../support/log-lines';

const { SUCCESS, INVALID_QUERY, FAILED } = Status_StatusCode;
const OK_STATUS = { code: SUCCESS, msg: '' };

function wireUser(overrides: Partial<WireUser> = {}): WireUser {
  return {
    id: '',
    age: 30,
    name: { first: 'Alice', last: 'Martin' },
    email: 'alice@x.io',
    phone: '+33 6 00 00 00 01',
    address: '1 rue de la Paix, Paris, 75002',
    ...overrides,
  };
}

let env: InProcessServer;
let repository: MemoryUserRepository;

// One server per test: every test starts from an empty directory.
beforeEach(async () => {
  repository = new MemoryUserRepository();
  env = await startInProcessServer({}, repository);
});
afterEach(() => env.stop());

async function seed(...users: WireUser[]) {
  for (const user of users) expect((await env.client.create({ user })).status).toEqual(OK_STATUS);
}

describe('Create', () => {
  test('SUCCESS with the stored user and a generated id', async () => {
    const response = await env.client.create({ user: wireUser() });
    expect(response.status).toEqual(OK_STATUS);
    expect(response.user).toEqual({ ...wireUser(), id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) });
    // The wire name.first/name.last are the domain's firstName/lastName.
    expect(await repository.findByEmailKey('alice@x.io')).toEqual({
      id: response.user!.id,
      age: 30,
      firstName: 'Alice',
      lastName: 'Martin',
      email: 'alice@x.io',
      phone: '+33 6 00 00 00 01',
      address: '1 rue de la Paix, Paris, 75002',
    });
  });

  test('keeps a given id and trims fields', async () => {
    const response = await env.client.create({ user: wireUser({ id: 'u-1', email: ' Alice@X.io ', name: { first: ' Maël ', last: 'Valadier ' } }) });
    expect(response).toEqual({ status: OK_STATUS, user: wireUser({ id: 'u-1', email: 'Alice@X.io', name: { first: 'Maël', last: 'Valadier' } }) });
  });

  test('a user without a name gets empty first and last names', async () => {
    const response = await env.client.create({ user: wireUser({ id: 'u-1', name: undefined }) });
    expect(response).toEqual({ status: OK_STATUS, user: wireUser({ id: 'u-1', name: { first: '', last: '' } }) });
  });

  test('FAILED "email already exists" for the same email in another case; nothing changes', async () => {
    await seed(wireUser({ id: 'u-1', email: 'Alice@x.io' }));
    const response = await env.client.create({ user: wireUser({ email: 'alice@X.IO', name: { first: 'Eve', last: 'X' } }) });
    expect(response).toEqual({ status: { code: FAILED, msg: 'email already exists' }, user: undefined });
    expect(await repository.count()).toBe(1);
    expect((await repository.findByEmailKey('alice@x.io'))?.firstName).toBe('Alice');
  });

  test('FAILED for an id already taken', async () => {
    await seed(wireUser({ id: 'u-1', email: 'a@x.io' }));
    expect(await env.client.create({ user: wireUser({ id: 'u-1', email: 'b@x.io' }) })).toEqual({
      status: { code: FAILED, msg: 'id u-1 already exists' },
      user: undefined,
    });
  });

  test.each<[string, Partial<WireUser> | undefined, string]>([
    ['a missing user', undefined, 'user is required'],
    ['an empty email', { email: '' }, 'user.email cannot be empty'],
    ['a malformed email', { email: 'alice' }, 'user.email "alice" is not a valid email address'],
    ['age -1', { age: -1 }, 'user.age must be between 0 and 150, got -1'],
    ['age 151', { age: 151 }, 'user.age must be between 0 and 150, got 151'],
    ['a first name too long', { name: { first: 'a'.repeat(101), last: '' } }, 'user.name.first must be at most 100 characters'],
    ['a last name too long', { name: { first: '', last: 'a'.repeat(101) } }, 'user.name.last must be at most 100 characters'],
    ['a phone too long', { phone: '1'.repeat(51) }, 'user.phone must be at most 50 characters'],
    ['an address too long', { address: 'a'.repeat(301) }, 'user.address must be at most 300 characters'],
    ['a bad id', { id: 'a b' }, `user.id "a b" may only contain letters, digits, '.', '_', ':' and '-'`],
  ])('INVALID_QUERY for %s, nothing stored', async (_what, overrides, msg) => {
    const response = await env.client.create({ user: overrides && wireUser(overrides) });
    expect(response).toEqual({ status: { code: INVALID_QUERY, msg }, user: undefined });
    expect(await repository.count()).toBe(0);
  });

  test('concurrent Creates of one email: exactly one SUCCESS, the others FAILED', async () => {
    const emails = ['race@x.io', 'RACE@x.io', 'Race@X.io', 'race@X.IO', 'rAcE@x.io', 'RaCe@x.io'];
    const responses = await Promise.all(emails.map((email) => env.client.create({ user: wireUser({ email }) })));
    const codes = responses.map((r) => r.status!.code);
    expect(codes.filter((c) => c === SUCCESS)).toHaveLength(1);
    expect(responses.filter((r) => r.status!.code !== SUCCESS).map((r) => r.status)).toEqual(
      Array(emails.length - 1).fill({ code: FAILED, msg: 'email already exists' }),
    );
    expect(await repository.count()).toBe(1);
  });
});

describe('GetByEmail', () => {
  beforeEach(() => seed(wireUser({ id: 'u-1', email: 'Alice@x.io' })));

  test('SUCCESS with the user, case-insensitively', async () => {
    expect(await env.client.getByEmail({ email: 'alice@X.IO' })).toEqual({ status: OK_STATUS, user: wireUser({ id: 'u-1', email: 'Alice@x.io' }) });
  });

  test('INVALID_QUERY for an unknown email, with the Go message', async () => {
    expect(await env.client.getByEmail({ email: 'bob@x.io' })).toEqual({
      status: { code: INVALID_QUERY, msg: 'the email bob@x.io cannot be found' },
      user: undefined,
    });
  });

  test('INVALID_QUERY for an empty email', async () => {
    expect(await env.client.getByEmail({ email: '' })).toEqual({ status: { code: INVALID_QUERY, msg: 'email cannot be empty' }, user: undefined });
  });
});

describe('List', () => {
  test('SUCCESS and no users when empty', async () => {
    expect(await env.client.list({})).toEqual({ status: OK_STATUS, users: [], nextPageToken: '' });
  });

  test('every user, sorted by email', async () => {
    await seed(
      wireUser({ id: 'c', email: 'carol@x.io' }),
      wireUser({ id: 'b', email: 'Bob@x.io' }),
      wireUser({ id: 'a', email: 'alice@x.io' }),
    );
    expect(await env.client.list({})).toEqual({
      status: OK_STATUS,
      users: [wireUser({ id: 'a', email: 'alice@x.io' }), wireUser({ id: 'b', email: 'Bob@x.io' }), wireUser({ id: 'c', email: 'carol@x.io' })],
      nextPageToken: '',
    });
  });
});

describe('SearchName', () => {
  beforeEach(() =>
    seed(
      wireUser({ id: 'm', email: 'mael@x.io', name: { first: 'Maël', last: 'Valadier' } }),
      wireUser({ id: 'v', email: 'valencia@x.io', name: { first: 'Valencia', last: 'Dorsey' } }),
      wireUser({ id: 'j', email: 'jose@x.io', name: { first: 'José', last: 'Carvalho' } }),
    ),
  );

  test.each([
    ['mael', ['mael@x.io']],
    ['ALENC', ['valencia@x.io']],
    ['jose', ['jose@x.io']],
    ['val', ['jose@x.io', 'mael@x.io', 'valencia@x.io']],
    ['zzz', []],
  ])('%j: SUCCESS with %j', async (query, emails) => {
    const response = await env.client.searchName({ query });
    expect(response.status).toEqual(OK_STATUS);
    expect(response.users.map((u) => u.email)).toEqual(emails);
  });

  test('answers whole users', async () => {
    expect(await env.client.searchName({ query: 'mael' })).toEqual({
      status: OK_STATUS,
      users: [wireUser({ id: 'm', email: 'mael@x.io', name: { first: 'Maël', last: 'Valadier' } })],
      nextPageToken: '',
    });
  });

  test.each(['', '  '])('INVALID_QUERY for the empty query %j', async (query) => {
    expect(await env.client.searchName({ query })).toEqual({ status: { code: INVALID_QUERY, msg: 'name query cannot be empty' }, users: [], nextPageToken: '' });
  });
});

describe('SearchAge', () => {
  beforeEach(() =>
    seed(
      wireUser({ id: '1', email: 'e@x.io', age: 42 }),
      wireUser({ id: '2', email: 'd@x.io', age: 30 }),
      wireUser({ id: '3', email: 'c@x.io', age: 42 }),
      wireUser({ id: '4', email: 'b@x.io', age: 29 }),
      wireUser({ id: '5', email: 'a@x.io', age: 43 }),
    ),
  );

  test('SUCCESS with from <= age <= to_included, sorted by age then email', async () => {
    const response = await env.client.searchAge({ ageRange: { from: 30, toIncluded: 42 } });
    expect(response.status).toEqual(OK_STATUS);
    expect(response.users.map((u) => [u.age, u.email])).toEqual([
      [30, 'd@x.io'],
      [42, 'c@x.io'],
      [42, 'e@x.io'],
    ]);
  });

  test('a range of zeros is a range, not a missing one', async () => {
    expect(await env.client.searchAge({ ageRange: { from: 0, toIncluded: 0 } })).toEqual({ status: OK_STATUS, users: [], nextPageToken: '' });
  });

  test('INVALID_QUERY for a missing ageRange', async () => {
    expect(await env.client.searchAge({})).toEqual({ status: { code: INVALID_QUERY, msg: 'ageRange is required' }, users: [], nextPageToken: '' });
  });

  test('INVALID_QUERY for from > to_included', async () => {
    expect(await env.client.searchAge({ ageRange: { from: 43, toIncluded: 42 } })).toEqual({
      status: { code: INVALID_QUERY, msg: 'ageRange.from (43) must not be greater than ageRange.to_included (42)' },
      users: [],
      nextPageToken: '',
    });
  });
});

describe('call log', () => {
  test('one info line per finished call: method, gRPC code, status code, duration', async () => {
    await env.client.list({});
    await env.client.getByEmail({ email: 'nobody@x.io' });
    await env.client.create({ user: wireUser() });
    await env.client.create({ user: wireUser() });
    const line = (status: string) => ({ level: 'info', message: 'call', grpc_code: 'OK', status, duration_ms: expect.any(Number) });
    expect(callLines(env.logger.lines, '/user.UserService/List')).toEqual([{ ...line('SUCCESS'), method: '/user.UserService/List' }]);
    expect(callLines(env.logger.lines, '/user.UserService/GetByEmail')).toEqual([{ ...line('INVALID_QUERY'), method: '/user.UserService/GetByEmail' }]);
    expect(callLines(env.logger.lines, '/user.UserService/Create')).toEqual([
      { ...line('SUCCESS'), method: '/user.UserService/Create' },
      { ...line('FAILED'), method: '/user.UserService/Create' },
    ]);
    for (const l of env.logger.lines.filter((x) => x.message === 'call')) expect(l.duration_ms).toBeGreaterThanOrEqual(0);
  });
});
