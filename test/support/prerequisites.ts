import { existsSync } from 'node:fs';
import path from 'node:path';
import { SERVER_BIN, TOOLS_BIN } from './processes';

/**
 * Process-level tests need the bundles and the Go tools. A missing one fails
 * the suite with the command that makes it, rather than skipping silently.
 */
export function requireServerBundle(): string {
  if (!existsSync(SERVER_BIN)) throw new Error(`${SERVER_BIN} is missing: run 'make build' (or 'node scripts/build.js') first`);
  return SERVER_BIN;
}

export function requireTool(name: 'grpcurl' | 'grpc-health-probe' | 'helm'): string {
  const tool = path.join(TOOLS_BIN, name);
  if (!existsSync(tool)) throw new Error(`${tool} is missing: run 'make tools' first`);
  return tool;
}
