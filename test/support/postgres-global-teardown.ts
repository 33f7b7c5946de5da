import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { STATE_DIR_VARIABLE, type SharedServerState } from './postgres';

/** jest globalTeardown: stops the run's PostgreSQL server, if a test started one, and removes its data. */
export default async function teardown(): Promise<void> {
  const stateDir = process.env[STATE_DIR_VARIABLE];
  if (!stateDir) return;
  const stateFile = path.join(stateDir, 'server.json');
  if (existsSync(stateFile)) {
    const { pid } = JSON.parse(readFileSync(stateFile, 'utf8')) as SharedServerState;
    try {
      process.kill(pid, 'SIGTERM');
      // The helper stops PostgreSQL, then exits.
      for (let waited = 0; waited < 20_000 && isAlive(pid); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    } catch {
      // Already gone.
    }
  }
  rmSync(stateDir, { recursive: true, force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
