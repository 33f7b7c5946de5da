import { logVerbosity, setLogVerbosity } from '@grpc/grpc-js';

/**
 * grpc-js writes its own errors to stderr (`E No address added out of total 1
 * resolved`) just before users-server reports the same failure in one line.
 * GRPC_VERBOSITY (ERROR, INFO or DEBUG), which grpc-js reads when loaded,
 * still brings them back for debugging.
 */
export function quietGrpcJs(env: NodeJS.ProcessEnv): void {
  if (!env.GRPC_VERBOSITY) setLogVerbosity(logVerbosity.NONE);
}
