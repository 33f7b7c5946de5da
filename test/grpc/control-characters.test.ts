import { Status_StatusCode } from '../../gen/user/user';
import { encodePageToken } from '../../src/domain/page-token';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';

// U+0000 on the wire (the adversarial test's requests): PostgreSQL text cannot
// hold it, yet PGlite answers exactly as the in-memory store does, and logs no
// error. The domain decides (no stored field holds a control character).
jest.setTimeout(60_000);

const servers: Record<'memory' | 'pglite:memory', InProcessServer> = {} as never;
beforeAll(async () => {
  servers.memory = await startInProcessServer();
  servers['pglite:memory'] = await startInProcessServer({ database: { kind: 'pglite' } });
  for (const { client } of Object.values(servers)) {
    expect((await client.create({ user: { id: '', age: 30, name: { first: 'Ab', last: 'Ba' }, email: 'ab@x.io', phone: '', address: '' } })).status?.code).toBe(Status_StatusCode.SUCCESS);
  }
});
afterAll(async () => {
  for (const server of Object.values(servers)) await server?.stop();
});

describe.each(['memory', 'pglite:memory'] as const)('%s', (name) => {
  const client = () => servers[name].client;

  test('SearchName "a\\u0000b": SUCCESS, no users', async () => {
    expect(await client().searchName({ query: 'a\u0000b' })).toEqual({ status: { code: Status_StatusCode.SUCCESS, msg: '' }, users: [], nextPageToken: '' });
  });

  test('GetByEmail "a\\u0000b@x.io": INVALID_QUERY, the email cannot be found', async () => {
    expect(await client().getByEmail({ email: 'a\u0000b@x.io' })).toEqual({ status: { code: Status_StatusCode.INVALID_QUERY, msg: 'the email a\\u0000b@x.io cannot be found' }, user: undefined });
  });

  test('List with a checksum-valid token for the key "m\\u0000" (the tester\'s AW0AliZ87iw1dmI): INVALID_QUERY invalid page token', async () => {
    const token = encodePageToken({ kind: 'list' }, { emailKey: 'm\u0000' });
    expect(token).toBe('AW0AliZ87iw1dmI');
    expect(await client().list({ pageSize: 2, pageToken: token })).toEqual({ status: { code: Status_StatusCode.INVALID_QUERY, msg: 'invalid page token' }, users: [], nextPageToken: '' });
  });

  test('no error was logged', () => {
    expect(servers[name].logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});
