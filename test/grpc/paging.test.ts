import { SearchResp, Status_StatusCode, type User as WireUser } from '../../gen/user/user';
import { LIMITS } from '../../src/domain/limits';
import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import { insertInBatches, maximalUsers, records, sampleSizedUsers } from '../support/bulk-insert';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';
import { aUser } from '../support/users';

const { SUCCESS, INVALID_QUERY, PARTIAL_SUCCESS } = Status_StatusCode;
const DEFAULT_BUDGET = 3.5 * 1024 * 1024;
const INVALID_TOKEN = { status: { code: INVALID_QUERY, msg: 'invalid page token' }, users: [], nextPageToken: '' };

let env: InProcessServer | undefined;
afterEach(async () => {
  await env?.stop();
  env = undefined;
});

async function serve(users: ReturnType<typeof aUser>[], config: { maxPageSize?: number; maxResponseBytes?: number } = {}): Promise<InProcessServer> {
  const repository = new MemoryUserRepository();
  await insertInBatches(repository, records(users), 1000);
  env = await startInProcessServer(config, repository);
  return env;
}

const encodedSize = (response: SearchResp) => SearchResp.encode(response).finish().length;
const emails = (users: WireUser[]) => users.map((u) => u.email);
const inEmailOrder = (users: ReturnType<typeof aUser>[]) => users.map((u) => u.email).sort();

/** Follows next_page_token to the end with this page_size; every answer must be `status`. */
async function pageThrough(call: (pageToken: string) => Promise<SearchResp>): Promise<{ users: WireUser[]; answers: SearchResp[] }> {
  const users: WireUser[] = [];
  const answers: SearchResp[] = [];
  let token = '';
  do {
    const answer = await call(token);
    answers.push(answer);
    users.push(...answer.users);
    token = answer.nextPageToken;
  } while (token !== '');
  return { users, answers };
}

describe('page_size', () => {
  const twelve = Array.from({ length: 12 }, (_, i) => aUser({ id: `u${i}`, email: `user${String(i).padStart(2, '0')}@x.io`, firstName: 'Zoë', age: 30 + (i % 3) }));

  test('pages of page_size users, each ending with a token, the last one with none', async () => {
    const { client } = await serve(twelve);
    const { answers, users } = await pageThrough((pageToken) => client.list({ pageSize: 5, pageToken }));
    expect(answers.map((a) => [a.status, a.users.length, a.nextPageToken !== ''])).toEqual([
      [{ code: SUCCESS, msg: '' }, 5, true],
      [{ code: SUCCESS, msg: '' }, 5, true],
      [{ code: SUCCESS, msg: '' }, 2, false],
    ]);
    expect(emails(users)).toEqual(inEmailOrder(twelve));
  });

  test('a page that ends exactly at the last user has no token', async () => {
    const { client } = await serve(twelve);
    const { answers } = await pageThrough((pageToken) => client.list({ pageSize: 6, pageToken }));
    expect(answers.map((a) => a.users.length)).toEqual([6, 6]);
  });

  test('above --max-page-size it is lowered to it', async () => {
    const { client } = await serve(twelve, { maxPageSize: 5 });
    const first = await client.list({ pageSize: 1_000_000, pageToken: '' });
    expect(first.users).toHaveLength(5);
    const { answers } = await pageThrough((pageToken) => client.searchName({ query: 'zoe', pageSize: 2 ** 31 - 1, pageToken }));
    expect(answers.map((a) => a.users.length)).toEqual([5, 5, 2]);
    const byAge = await pageThrough((pageToken) => client.searchAge({ ageRange: { from: 30, toIncluded: 31 }, pageSize: 6, pageToken }));
    expect(byAge.answers.map((a) => a.users.length)).toEqual([5, 3]);
    expect(byAge.users.map((u) => u.age)).toEqual([30, 30, 30, 30, 31, 31, 31, 31]);
  });

  test('negative: INVALID_QUERY naming it', async () => {
    const { client } = await serve(twelve);
    const invalid = { status: { code: INVALID_QUERY, msg: 'page_size must not be negative, got -1' }, users: [], nextPageToken: '' };
    expect(await client.list({ pageSize: -1 })).toEqual(invalid);
    expect(await client.searchName({ query: 'zoe', pageSize: -1 })).toEqual(invalid);
    expect(await client.searchAge({ ageRange: { from: 0, toIncluded: 150 }, pageSize: -1 })).toEqual(invalid);
  });

  test('query errors come before paging: INVALID_QUERY as before', async () => {
    const { client } = await serve(twelve);
    expect(await client.searchName({ query: ' ', pageSize: 5 })).toEqual({ status: { code: INVALID_QUERY, msg: 'name query cannot be empty' }, users: [], nextPageToken: '' });
    expect(await client.searchAge({ pageSize: 5, pageToken: 'garbage' })).toEqual({ status: { code: INVALID_QUERY, msg: 'ageRange is required' }, users: [], nextPageToken: '' });
  });
});

describe('page tokens', () => {
  const users = Array.from({ length: 20 }, (_, i) => aUser({ id: `u${i}`, email: `user${String(i).padStart(2, '0')}@x.io`, firstName: 'Zoë', age: 40 }));

  test('a token of another query: INVALID_QUERY "invalid page token"', async () => {
    const { client } = await serve(users);
    const listToken = (await client.list({ pageSize: 3 })).nextPageToken;
    const nameToken = (await client.searchName({ query: 'zoe', pageSize: 3 })).nextPageToken;
    const ageToken = (await client.searchAge({ ageRange: { from: 30, toIncluded: 50 }, pageSize: 3 })).nextPageToken;
    expect(await client.searchName({ query: 'zoe', pageSize: 3, pageToken: listToken })).toEqual(INVALID_TOKEN);
    expect(await client.list({ pageSize: 3, pageToken: nameToken })).toEqual(INVALID_TOKEN);
    expect(await client.searchName({ query: 'zo', pageSize: 3, pageToken: nameToken })).toEqual(INVALID_TOKEN);
    expect(await client.searchAge({ ageRange: { from: 30, toIncluded: 51 }, pageSize: 3, pageToken: ageToken })).toEqual(INVALID_TOKEN);
    expect(await client.searchAge({ ageRange: { from: 30, toIncluded: 50 }, pageSize: 3, pageToken: listToken })).toEqual(INVALID_TOKEN);
    // The same query, spelt differently (case, accents, spaces), is the same query.
    expect((await client.searchName({ query: ' ZOË ', pageSize: 3, pageToken: nameToken })).status).toEqual({ code: SUCCESS, msg: '' });
    // page_size 0 follows a token too.
    expect((await client.list({ pageSize: 0, pageToken: listToken })).users).toHaveLength(17);
  });

  test.each<[string, string]>([
    ['garbled', 'bm90IGEgdG9rZW4'],
    ['not base64url', '{"after":"user05@x.io"}'],
    ['a 3 MiB token', 'A'.repeat(3 * 1024 * 1024)],
  ])('%s: INVALID_QUERY "invalid page token"', async (_what, pageToken) => {
    const { client } = await serve(users);
    expect(await client.list({ pageSize: 3, pageToken })).toEqual(INVALID_TOKEN);
    expect(await client.list({ pageSize: 0, pageToken })).toEqual(INVALID_TOKEN);
  });

  test('a token cut short or with a character changed', async () => {
    const { client } = await serve(users);
    const token = (await client.list({ pageSize: 3 })).nextPageToken;
    expect(await client.list({ pageSize: 3, pageToken: token.slice(0, -2) })).toEqual(INVALID_TOKEN);
    expect(await client.list({ pageSize: 3, pageToken: `${token[0] === 'a' ? 'b' : 'a'}${token.slice(1)}` })).toEqual(INVALID_TOKEN);
  });
});

describe('page_size 0 (clients older than paging): the byte budget', () => {
  test('an answer that fits is answered whole, as before paging', async () => {
    const users = sampleSizedUsers(300);
    const { client } = await serve(users);
    const answer = await client.list({});
    expect(answer.status).toEqual({ code: SUCCESS, msg: '' });
    expect(answer.nextPageToken).toBe('');
    expect(emails(answer.users)).toEqual(inEmailOrder(users));
  });

  // 50,000 inserts through the store's indexes (the name-gram index most): 15-20 s under jest here, more on a busy machine.
  test('List over 50,000 users: PARTIAL_SUCCESS under the 3.5 MiB default, with how to go on and next_page_token', async () => {
    const users = sampleSizedUsers(50_000);
    const { client } = await serve(users);
    const answer = await client.list({});
    expect(answer.status).toEqual({
      code: PARTIAL_SUCCESS,
      msg:
        'the answer is larger than 3670016 bytes, and these are its first users: call again with page_token set to next_page_token for the next part, ' +
        'or page with page_size (at most 1000)',
    });
    expect(answer.nextPageToken).not.toBe('');
    const size = encodedSize(answer);
    expect(size).toBeLessThanOrEqual(DEFAULT_BUDGET);
    // Filled: one more user would not have fitted in what the status and the token leave.
    expect(size).toBeGreaterThan(DEFAULT_BUDGET - 2 * encodedSize({ status: undefined, users: [answer.users[0]], nextPageToken: '' }) - 4200);
    expect(emails(answer.users)).toEqual(inEmailOrder(users).slice(0, answer.users.length));
    // An old client that follows the message gets the rest, each user once, in order.
    const rest = await pageThrough((pageToken) => client.list({ pageToken }));
    expect(rest.answers.length).toBeGreaterThan(1);
    expect(rest.answers.slice(0, -1).every((a) => a.status?.code === PARTIAL_SUCCESS && encodedSize(a) <= DEFAULT_BUDGET)).toBe(true);
    expect(rest.answers.at(-1)!.status).toEqual({ code: SUCCESS, msg: '' });
    expect(emails(rest.users)).toEqual(inEmailOrder(users));
  }, 120_000);

  test('SearchName and SearchAge are cut the same way', async () => {
    const users = sampleSizedUsers(2_000);
    const { client } = await serve(users, { maxResponseBytes: 64 * 1024 });
    for (const call of [(pageToken: string) => client.searchName({ query: 'valencia', pageToken }), (pageToken: string) => client.searchAge({ ageRange: { from: 0, toIncluded: 150 }, pageToken })]) {
      const { answers, users: paged } = await pageThrough(call);
      expect(answers.length).toBeGreaterThan(3);
      expect(answers.every((a) => encodedSize(a) <= 64 * 1024)).toBe(true);
      expect(answers.slice(0, -1).every((a) => a.status?.code === PARTIAL_SUCCESS)).toBe(true);
      expect(new Set(paged.map((u) => u.id)).size).toBe(2_000);
    }
  });

  test('the largest users the wire can carry stay under the budget, with page_size 0 and with a large page_size', async () => {
    const users = maximalUsers(1_500);
    const { client } = await serve(users, { maxPageSize: 5000 });
    const one = encodedSize({ status: undefined, users: [(await client.list({ pageSize: 1 })).users[0]], nextPageToken: '' });
    // Every field at its limit, 4 bytes a character: id 64, email 253, names 2 × 100, phone 50, address 300.
    const fieldBytes = LIMITS.idLength + (8 + 240 * 4 + 5) + 4 * (2 * LIMITS.nameLength + LIMITS.phoneLength + LIMITS.addressLength);
    expect(one).toBeGreaterThan(fieldBytes);

    const whole = await client.list({});
    expect(whole.status?.code).toBe(PARTIAL_SUCCESS);
    expect(encodedSize(whole)).toBeLessThanOrEqual(DEFAULT_BUDGET);
    expect(encodedSize(whole)).toBeGreaterThan(DEFAULT_BUDGET - 2 * one - 4200);

    // A page the budget cuts short is ordinary paging: SUCCESS, fewer users than asked, and a token.
    const page = await client.list({ pageSize: 5000 });
    expect(page.status).toEqual({ code: SUCCESS, msg: '' });
    expect(page.users.length).toBe(whole.users.length);
    expect(page.nextPageToken).not.toBe('');
    expect(encodedSize(page)).toBeLessThanOrEqual(DEFAULT_BUDGET);
    const { users: paged } = await pageThrough((pageToken) => client.list({ pageSize: 5000, pageToken }));
    expect(paged.map((u) => u.id)).toEqual([...users].sort((a, b) => (a.email < b.email ? -1 : 1)).map((u) => u.id));
  });

  test('at the largest budget allowed (4 MiB), a default client still receives the cut answer', async () => {
    const users = maximalUsers(1_500);
    const { client } = await serve(users, { maxResponseBytes: 4 * 1024 * 1024 });
    const one = encodedSize({ status: undefined, users: [(await client.list({ pageSize: 1 })).users[0]], nextPageToken: '' });
    // nice-grpc's client keeps grpc-js's default receive limit, 4 MiB: a larger answer would be RESOURCE_EXHAUSTED.
    const whole = await client.list({});
    expect(whole.status?.code).toBe(PARTIAL_SUCCESS);
    expect(encodedSize(whole)).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(encodedSize(whole)).toBeGreaterThan(4 * 1024 * 1024 - 2 * one - 4200);
  });

  test('a budget smaller than one user still moves on, one user per answer', async () => {
    const users = maximalUsers(3);
    const { client } = await serve(users, { maxResponseBytes: 4096 });
    const { answers } = await pageThrough((pageToken) => client.list({ pageToken }));
    expect(answers.map((a) => a.users.length)).toEqual([1, 1, 1]);
  });
});
