import { createChannel, createClient } from 'nice-grpc';
import { SearchResp, Status_StatusCode, UserServiceDefinition } from '../../gen/user/user';
import { sampleSizedUsers } from '../support/bulk-insert';
import { requireCliBundle, requireServerBundle, requireTool } from '../support/prerequisites';
import { run, runCli, startServerProcess, type ServerProcess } from '../support/processes';
import { makeTempDir, type TempDir } from '../support/temp-dir';

// Clients older than paging (page_size 0: the Go CLI, grpcurl, nice-grpc with
// its 4 MiB receive limit) and users-cli paging, against dist/users-server.js
// holding 50,000 users (about 7.5 MB as one answer).

const COUNT = 50_000;
const users = sampleSizedUsers(COUNT);
const emailsInOrder = users.map((u) => u.email).sort();
const FOUR_MIB = 4 * 1024 * 1024;

let dir: TempDir;
let server: ServerProcess;
beforeAll(async () => {
  requireServerBundle();
  requireCliBundle();
  dir = makeTempDir('users-paging-');
  const file = dir.write('users.json', JSON.stringify(users));
  // 50,000 users through validation and the store's indexes: about 5 s alone, more on a busy machine.
  server = await startServerProcess([`--samples-file=${file}`, '--max-users=50000'], {}, 90_000);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  dir?.cleanup();
});

test('List with page_size 0 over 50,000 users: PARTIAL_SUCCESS under 4 MiB, with next_page_token', async () => {
  const channel = createChannel(server.address);
  try {
    // nice-grpc's client keeps gRPC's default 4 MiB receive limit: a larger answer would fail here.
    const answer = await createClient(UserServiceDefinition, channel).list({});
    expect(answer.status?.code).toBe(Status_StatusCode.PARTIAL_SUCCESS);
    expect(answer.status?.msg).toMatch(/^the answer is larger than 3670016 bytes, and these are its first users: call again with page_token set to next_page_token/);
    expect(answer.nextPageToken).not.toBe('');
    expect(SearchResp.encode(answer).finish().length).toBeLessThan(FOUR_MIB);
    expect(answer.users.map((u) => u.email)).toEqual(emailsInOrder.slice(0, answer.users.length));
  } finally {
    channel.close();
  }
});

test('grpcurl, an old client with the default 4 MB limit, gets the first part and the status', async () => {
  const grpcurl = requireTool('grpcurl');
  const result = await run(grpcurl, ['-plaintext', '-d', '{}', server.address, 'user.UserService/List'], { timeoutMs: 60_000 });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const answer = JSON.parse(result.stdout) as { status: { code: string }; users: unknown[]; nextPageToken: string };
  expect(answer.status.code).toBe('PARTIAL_SUCCESS');
  expect(answer.users.length).toBeGreaterThan(10_000);
  expect(answer.nextPageToken).toMatch(/^[A-Za-z0-9_-]+$/);
});

test('users-cli list pages through all 50,000, in order, each once', async () => {
  const result = await runCli(['list', `--address=${server.address}`], { timeoutMs: 120_000 });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const printed = result.stdout.split('\n').filter(Boolean).map((line) => /<([^>]+)>/.exec(line)![1]);
  expect(printed).toEqual(emailsInOrder);
});

test('users-cli list -o json: one JSON array of all 50,000', async () => {
  const result = await runCli(['list', '-o', 'json', '--page-size=999', `--address=${server.address}`], { timeoutMs: 120_000 });
  expect(result.code).toBe(0);
  expect((JSON.parse(result.stdout) as Array<{ email: string }>).map((u) => u.email)).toEqual(emailsInOrder);
});
