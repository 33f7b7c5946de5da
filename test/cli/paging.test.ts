import { createServer, type Server } from 'nice-grpc';
import { parse as parseYaml } from 'yaml';
import { Status_StatusCode, UserServiceDefinition, type ListReq, type SearchResp, type User as WireUser } from '../../gen/user/user';
import { runCli } from '../../src/cli/program';
import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import { insertInBatches, records } from '../support/bulk-insert';
import { runCliInProcess } from '../support/cli-in-process';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';
import { callLines } from '../support/log-lines';
import { aUser } from '../support/users';

// users-cli list and search page through the answer (page_size, page_token),
// printing each page as it arrives; the server pages as it would for anyone.

const users = Array.from({ length: 50 }, (_, i) =>
  aUser({ id: `u${i}`, email: `user${String(49 - i).padStart(2, '0')}@x.io`, firstName: i % 2 === 0 ? 'Zoë' : 'Ann', lastName: 'Martin', age: 20 + (i % 5) }),
);
const byEmail = [...users].sort((a, b) => (a.email < b.email ? -1 : 1));
const line = (u: ReturnType<typeof aUser>) => `${u.firstName} ${u.lastName} <${u.email}> (${u.age} years old, address: ${u.address})\n`;
const protoJson = (u: ReturnType<typeof aUser>) => ({ id: u.id, age: u.age, name: { first: u.firstName, last: u.lastName }, email: u.email, phone: u.phone, address: u.address });

let server: InProcessServer;
beforeAll(async () => {
  const repository = new MemoryUserRepository();
  await insertInBatches(repository, records(users));
  server = await startInProcessServer({}, repository);
});
afterAll(() => server.stop());
const cli = (...args: string[]) => runCliInProcess([...args, `--address=${server.address}`]);
/** page_size of each call of `method` since the mark. */
const callsSince = (mark: number, method: string) => callLines(server.logger.lines.slice(mark), `/user.UserService/${method}`).length;
const mark = () => server.logger.lines.length;

test('list pages through every user, in order, one call per page', async () => {
  const from = mark();
  expect(await cli('list', '--page-size=7')).toEqual({ code: 0, stdout: byEmail.map(line).join(''), stderr: '' });
  expect(callsSince(from, 'List')).toBe(8);
});

test('list --limit stops early: it asks for no more than it prints', async () => {
  let from = mark();
  expect(await cli('list', '--limit=10', '--page-size=7')).toEqual({ code: 0, stdout: byEmail.slice(0, 10).map(line).join(''), stderr: '' });
  expect(callsSince(from, 'List')).toBe(2);
  from = mark();
  expect((await cli('list', '--limit=3')).stdout).toBe(byEmail.slice(0, 3).map(line).join(''));
  expect(callsSince(from, 'List')).toBe(1);
  expect((await cli('list', '--limit=500')).stdout).toBe(byEmail.map(line).join(''));
});

test('-o json is still one JSON array, the same text whatever the page size', async () => {
  const whole = `${JSON.stringify(byEmail.map(protoJson), null, 2)}\n`;
  expect(await cli('list', '-o', 'json', '--page-size=7')).toEqual({ code: 0, stdout: whole, stderr: '' });
  expect((await cli('list', '-o', 'json', '--page-size=1')).stdout).toBe(whole);
  expect((await cli('list', '-o', 'json', '--limit=2', '--page-size=1')).stdout).toBe(`${JSON.stringify(byEmail.slice(0, 2).map(protoJson), null, 2)}\n`);
  expect((await cli('search', '--name=nobody', '-o', 'json', '--page-size=7')).stdout).toBe('[]\n');
});

test('-o yaml is one sequence, -o jsonl one object a line, -o table one header', async () => {
  expect(parseYaml((await cli('list', '-o', 'yaml', '--page-size=7')).stdout)).toEqual(byEmail.map(protoJson));
  expect((await cli('search', '--name=nobody', '-o', 'yaml')).stdout).toBe('[]\n');
  expect((await cli('list', '-o', 'jsonl', '--page-size=7')).stdout).toBe(byEmail.map((u) => `${JSON.stringify(protoJson(u))}\n`).join(''));
  const table = (await cli('list', '-o', 'table', '--page-size=7')).stdout.split('\n').filter(Boolean);
  expect(table).toHaveLength(51);
  expect(table.filter((l) => l.startsWith('EMAIL'))).toHaveLength(1);
  expect(table.slice(1).map((l) => l.split(' ')[0])).toEqual(byEmail.map((u) => u.email));
});

test('search --name and search by age page too', async () => {
  const zoes = byEmail.filter((u) => u.firstName === 'Zoë');
  let from = mark();
  expect((await cli('search', '--name=zoe', '--page-size=4')).stdout).toBe(zoes.map(line).join(''));
  expect(callsSince(from, 'SearchName')).toBe(7);
  const byAge = [...users].filter((u) => u.age <= 21).sort((a, b) => a.age - b.age || (a.email < b.email ? -1 : 1));
  from = mark();
  expect((await cli('search', '--agefrom=20', '--ageto=21', '--page-size=6')).stdout).toBe(byAge.map(line).join(''));
  expect(callsSince(from, 'SearchAge')).toBe(4);
  expect((await cli('search', '--agefrom=20', '--ageto=21', '--limit=3', '-o', 'json')).stdout).toBe(`${JSON.stringify(byAge.slice(0, 3).map(protoJson), null, 2)}\n`);
});

test.each<[string[], string]>([
  [['list', '--limit=0'], 'invalid --limit "0": expected a whole number from 1'],
  [['list', '--limit=-3'], 'invalid --limit "-3": expected a whole number from 1'],
  [['list', '--limit=ten'], 'invalid --limit "ten": expected a whole number'],
  [['list', '--page-size=0'], 'invalid --page-size "0": expected a whole number from 1'],
  [['search', '--name=a', '--page-size=1.5'], 'invalid --page-size "1.5": expected a whole number'],
  [['list', '--page-size=3000000000'], 'invalid --page-size "3000000000": out of range (at most 2147483647)'],
])('%j: exit 2, one line', async (args, message) => {
  expect(await cli(...args)).toEqual({ code: 2, stdout: '', stderr: `users-cli: ${message}\n` });
});

describe('against a scripted server', () => {
  let fake: Server;
  let address: string;
  let list: (request: ListReq) => Promise<SearchResp>;
  beforeEach(async () => {
    fake = createServer();
    fake.add(UserServiceDefinition, {
      list: (request) => list(request),
      create: () => Promise.reject(new Error('unused')),
      getByEmail: () => Promise.reject(new Error('unused')),
      searchName: () => Promise.reject(new Error('unused')),
      searchAge: () => Promise.reject(new Error('unused')),
    });
    address = `127.0.0.1:${await fake.listen('127.0.0.1:0')}`;
  });
  afterEach(() => fake.forceShutdown());
  const wire = (n: number): WireUser => ({ id: `u${n}`, age: 30, name: { first: 'Ann', last: `N${n}` }, email: `u${n}@x.io`, phone: '', address: '' });
  const SUCCESS = { code: Status_StatusCode.SUCCESS, msg: '' };

  test('a server older than paging: everything in one answer, printed once', async () => {
    const requests: ListReq[] = [];
    list = async (request) => {
      requests.push(request);
      return { status: SUCCESS, users: [1, 2, 3].map(wire), nextPageToken: '' };
    };
    const result = await runCliInProcess(['list', '--page-size=2', `--address=${address}`]);
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(requests).toEqual([{ pageSize: 2, pageToken: '' }]);
    // --limit still holds, whatever the server sends.
    expect((await runCliInProcess(['list', '--limit=2', `--address=${address}`])).stdout.split('\n').filter(Boolean)).toHaveLength(2);
  });

  test('each page is printed as it arrives, before the next is asked for', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let secondAsked!: () => void;
    const asked = new Promise<void>((resolve) => (secondAsked = resolve));
    list = async (request) => {
      if (request.pageToken === '') return { status: SUCCESS, users: [wire(1)], nextPageToken: 'page-2' };
      secondAsked();
      await gate;
      return { status: SUCCESS, users: [wire(2)], nextPageToken: '' };
    };
    let stdout = '';
    const running = runCli({
      argv: ['list', '-o', 'json', `--address=${address}`],
      env: {},
      homeDir: '/nonexistent',
      stdoutIsTTY: false,
      readStdin: async () => '',
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => undefined },
    });
    await asked;
    expect(stdout).toBe(`[\n${JSON.stringify({ id: 'u1', age: 30, name: { first: 'Ann', last: 'N1' }, email: 'u1@x.io', phone: '', address: '' }, null, 2).replace(/^/gm, '  ')}`);
    release();
    expect(await running).toBe(0);
    expect(JSON.parse(stdout)).toHaveLength(2);
  });

  test('a failed page after printed ones: the server\'s message, exit 1', async () => {
    list = async (request) =>
      request.pageToken === ''
        ? { status: SUCCESS, users: [wire(1)], nextPageToken: 'stale' }
        : { status: { code: Status_StatusCode.INVALID_QUERY, msg: 'invalid page token' }, users: [], nextPageToken: '' };
    const result = await runCliInProcess(['list', `--address=${address}`]);
    expect(result).toEqual({ code: 1, stdout: 'Ann N1 <u1@x.io> (30 years old, address: )\n', stderr: 'users-cli: invalid page token\n' });
  });

  test('a server that sends a token again (the one it was given, or an earlier one): the pages stop there, exit 1, not a loop', async () => {
    let calls = 0;
    list = async () => {
      calls += 1;
      return { status: SUCCESS, users: [wire(calls)], nextPageToken: 'SAME' };
    };
    const result = await runCliInProcess(['list', `--address=${address}`]);
    expect(result).toEqual({
      code: 1,
      stdout: 'Ann N1 <u1@x.io> (30 years old, address: )\nAnn N2 <u2@x.io> (30 years old, address: )\n',
      stderr: 'users-cli: the server sent page token "SAME" again: paging stopped (a server bug)\n',
    });
    expect(calls).toBe(2);
    calls = 0;
    list = async () => {
      calls += 1;
      return { status: SUCCESS, users: [wire(calls)], nextPageToken: calls % 2 === 1 ? 'A' : 'B' };
    };
    const cycling = await runCliInProcess(['list', `--address=${address}`]);
    expect(cycling).toMatchObject({ code: 1, stderr: 'users-cli: the server sent page token "A" again: paging stopped (a server bug)\n' });
    expect(cycling.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(calls).toBe(3);
  });

  test('a server that sends empty pages with ever new tokens: paging stops after 100 of them in a row, exit 1; fewer are followed', async () => {
    let calls = 0;
    list = async () => {
      calls += 1;
      return { status: SUCCESS, users: calls === 1 ? [wire(1)] : [], nextPageToken: `T${calls}` };
    };
    const result = await runCliInProcess(['list', `--address=${address}`]);
    expect(result).toEqual({
      code: 1,
      stdout: 'Ann N1 <u1@x.io> (30 years old, address: )\n',
      stderr: 'users-cli: the server sent 100 empty pages in a row, each with a next page token: paging stopped (a server bug)\n',
    });
    expect(calls).toBe(101);
    calls = 0;
    // 99 empty pages, then the last user: all followed.
    list = async () => {
      calls += 1;
      return calls < 100 ? { status: SUCCESS, users: [], nextPageToken: `T${calls}` } : { status: SUCCESS, users: [wire(2)], nextPageToken: '' };
    };
    expect(await runCliInProcess(['list', `--address=${address}`])).toEqual({ code: 0, stdout: 'Ann N2 <u2@x.io> (30 years old, address: )\n', stderr: '' });
  });
});
