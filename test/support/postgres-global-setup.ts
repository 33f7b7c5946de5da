import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OWNER_PID_VARIABLE, STATE_DIR_VARIABLE } from './postgres';

/**
 * jest globalSetup: a place for the run's one PostgreSQL server. Nothing starts
 * here: the first test file that needs PostgreSQL starts it (test/support/postgres.ts),
 * so a run without such tests costs nothing. Test workers inherit these variables.
 */
export default function setup(): void {
  if (process.env.TEST_DATABASE_URL) return;
  process.env[STATE_DIR_VARIABLE] = mkdtempSync(path.join(tmpdir(), 'users-grpc-test-postgres-'));
  process.env[OWNER_PID_VARIABLE] = String(process.pid);
}
