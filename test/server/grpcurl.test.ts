import { requireServerBundle, requireTool } from '../support/prerequisites';
import { run, startServerProcess, type ServerProcess } from '../support/processes';
import { protoJsonUser, sampleUsersByEmail } from '../support/sample-users-json';

// grpcurl, like buf curl, works from server reflection alone.
let grpcurl: string;
let server: ServerProcess;
beforeAll(async () => {
  requireServerBundle();
  grpcurl = requireTool('grpcurl');
  server = await startServerProcess();
});
afterAll(() => server.stop());

const grpcurlRun = (...args: string[]) => run(grpcurl, ['-plaintext', ...args], { timeoutMs: 30_000 });

test('list: the user and health services (the reflection service lists only those)', async () => {
  expect(await grpcurlRun(server.address, 'list')).toEqual({ code: 0, stdout: 'grpc.health.v1.Health\nuser.UserService\n', stderr: '' });
});

test('list user.UserService: its five methods', async () => {
  expect(await grpcurlRun(server.address, 'list', 'user.UserService')).toEqual({
    code: 0,
    stdout: ['Create', 'GetByEmail', 'List', 'SearchAge', 'SearchName'].map((m) => `user.UserService.${m}\n`).join(''),
    stderr: '',
  });
});

test('describe shows the v1 contract: names, numbers and nesting', async () => {
  expect(await grpcurlRun(server.address, 'describe', 'user.SearchAgeReq')).toEqual({
    code: 0,
    stdout: [
      'user.SearchAgeReq is a message:',
      'message SearchAgeReq {',
      '  .user.SearchAgeReq.AgeRange ageRange = 1;',
      '  // See ListReq.page_size.',
      '  int32 page_size = 2;',
      '  // See ListReq.page_token.',
      '  string page_token = 3;',
      '  message AgeRange {',
      '    int32 from = 1;',
      '    int32 to_included = 2;',
      '  }',
      '}',
      '',
    ].join('\n'),
    stderr: '',
  });
  const user = await grpcurlRun(server.address, 'describe', 'user.User');
  expect(user.stdout).toBe(
    [
      'user.User is a message:',
      'message User {',
      '  string id = 1;',
      '  int32 age = 2;',
      '  .user.Name name = 3;',
      '  string email = 4;',
      '  string phone = 5;',
      '  string address = 6;',
      '}',
      '',
    ].join('\n'),
  );
  const service = await grpcurlRun(server.address, 'describe', 'user.UserService');
  expect(service.code).toBe(0);
  for (const rpc of [
    'rpc Create ( .user.CreateReq ) returns ( .user.CreateResp );',
    'rpc GetByEmail ( .user.GetByEmailReq ) returns ( .user.GetByEmailResp );',
    'rpc List ( .user.ListReq ) returns ( .user.SearchResp );',
    'rpc SearchAge ( .user.SearchAgeReq ) returns ( .user.SearchResp );',
    'rpc SearchName ( .user.SearchNameReq ) returns ( .user.SearchResp );',
  ]) {
    expect(service.stdout).toContain(`  ${rpc}\n`);
  }
});

test('a call with JSON input: GetByEmail', async () => {
  const result = await grpcurlRun('-d', '{"email":"Mael.Valadier@example.com"}', server.address, 'user.UserService/GetByEmail');
  expect(result.code).toBe(0);
  const mael = sampleUsersByEmail().find((u) => u.email === 'mael.valadier@example.com')!;
  expect(JSON.parse(result.stdout)).toEqual({ status: { code: 'SUCCESS' }, user: protoJsonUser(mael) });
});

test('a health check through grpcurl', async () => {
  const result = await grpcurlRun('-d', '{"service":"user.UserService"}', server.address, 'grpc.health.v1.Health/Check');
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual({ status: 'SERVING' });
});

test('--reflection=false: grpcurl cannot list, and says why', async () => {
  const plain = await startServerProcess(['--reflection=false']);
  try {
    expect(await grpcurlRun(plain.address, 'list')).toEqual({ code: 1, stdout: '', stderr: 'Failed to list services: server does not support the reflection API\n' });
  } finally {
    await plain.stop();
  }
});
