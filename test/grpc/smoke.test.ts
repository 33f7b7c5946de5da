import { Status_StatusCode } from '../../gen/user/user';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server';

let env: InProcessServer;
beforeAll(async () => {
  env = await startInProcessServer({ samples: true });
});
afterAll(() => env.stop());

test('List answers the sample users sorted by email', async () => {
  const response = await env.client.list({});
  expect(response.status?.code).toBe(Status_StatusCode.SUCCESS);
  expect(response.users).toHaveLength(32);
  const emails = response.users.map((u) => u.email);
  expect(emails).toEqual([...emails].sort());
});
