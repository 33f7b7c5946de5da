import { buildInfo } from '../shared/build-info';
import { ConfigError } from '../shared/config-error';
import { parseHostPort } from '../shared/host-port';
import { createLogger } from '../shared/logger';
import { SamplesFileError } from '../samples/sample-users-file';
import { parseServerConfig } from './config';
import { quietGrpcJs } from './quiet-grpc-js';
import { startUsersServer } from './users-server';

const SIGNAL_EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

async function main(): Promise<void> {
  quietGrpcJs(process.env);
  let config;
  try {
    config = parseServerConfig(process.argv.slice(2), process.env, buildInfo.version);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`users-server: ${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger({ format: config.logFormat, level: config.logLevel });

  let server;
  try {
    server = await startUsersServer(config, logger);
  } catch (error) {
    const message = error instanceof SamplesFileError ? error.message : `cannot start: ${(error as Error).message}`;
    process.stderr.write(`users-server: ${message}\n`);
    logger.debug('start-up failure', { error: (error as Error).stack });
    process.exit(1);
  }

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn('second signal: exiting now', { signal });
      server.forceShutdown();
      process.exit(SIGNAL_EXIT_CODES[signal] ?? 1);
    }
    signalled = true;
    logger.info('shutting down gracefully', { signal, grace_period_ms: config.gracePeriodMs });
    server.shutdown().then(
      () => {
        logger.info('users-server stopped');
        // Exit now rather than wait for stray handles; stdout is synchronous for pipes and files.
        process.exit(0);
      },
      (error: Error) => {
        logger.error('shutdown failed', { error: error.stack });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  // Announced only now that the signal handlers are in place: whoever waits
  // for this line may send SIGTERM at once.
  logger.info('users-server started', {
    // Bound ports, not the configured ones, so that port 0 is usable.
    address: boundAddress(config.address, server.port),
    port: server.port,
    tls: config.tls ? (config.tls.clientCa ? 'mtls' : 'tls') : 'off',
    metrics: config.metricsAddress ? boundAddress(config.metricsAddress, server.metricsPort!) : 'off',
    version: buildInfo.version,
    commit: buildInfo.commit,
  });
}

function boundAddress(configured: string, port: number): string {
  return `${parseHostPort(configured)!.host}:${port}`;
}

void main();
