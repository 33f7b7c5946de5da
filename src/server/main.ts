import { buildInfo } from '../shared/build-info';
import { ConfigError, UnusableFileError } from '../shared/config-error';
import { parseHostPort } from '../shared/host-port';
import { createLogger, ignoreLogStreamErrors, type Logger } from '../shared/logger';
import { describeStorage, type SqlStorage } from '../repository/database-url';
import { migrateStorage } from '../repository/open-storage';
import { onExportStateChange, startTracing, type Tracing } from '../shared/tracing';
import { oneLine } from '../shared/quote';
import { settledWithin } from '../shared/settled-within';
import { SampleUsersError } from '../samples/sample-users-file';
import { parseServerConfig } from './config';
import { ListenError } from './listen-failure';
import { quietGrpcJs } from './quiet-grpc-js';
import { jsonLogsRequested, startupFailureLine } from './startup-failure';
import { startUsersServer, storageLockEvents } from './users-server';

const SIGNAL_EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * How long the spans still buffered at SIGTERM may take to go out. A collector
 * that is down would otherwise hold the exit for the whole export timeout (10 s),
 * past the 5 s the chart's terminationGracePeriodSeconds leaves after the grace period.
 */
const TRACE_FLUSH_LIMIT_MS = 3_000;

async function flushTraces(traces: Tracing, logger: Logger): Promise<void> {
  let failure: string | undefined;
  const sent = traces.shutdown().catch((error: Error) => {
    failure = error.message;
  });
  if (!(await settledWithin(sent, TRACE_FLUSH_LIMIT_MS))) failure = `the collector did not take them within ${TRACE_FLUSH_LIMIT_MS / 1000} s`;
  if (failure !== undefined) logger.warn('traces not all sent', { error: oneLine(failure) });
}

async function main(): Promise<void> {
  quietGrpcJs(process.env);
  const argv = process.argv.slice(2);
  // `users-server migrate [flags]`: for operators who migrate from a job rather than at each start.
  const migrateOnly = argv[0] === 'migrate';
  const failStartup = (message: string, code: number): never => {
    process.stderr.write(startupFailureLine(message, jsonLogsRequested(argv, process.env)));
    process.exit(code);
  };
  let config;
  let tracing: Tracing | undefined;
  try {
    config = parseServerConfig(migrateOnly ? argv.slice(1) : argv, process.env, `users-server ${buildInfo.version} (commit ${buildInfo.commit}, built ${buildInfo.date})`);
    if (migrateOnly && (config.database ?? { kind: 'memory' }).kind === 'memory') throw new ConfigError('migrate needs --database-url (or DATABASE_URL): the in-memory store has no schema');
    // Migrated, it would be gone with this process: a success that leaves nothing.
    if (migrateOnly && config.database?.kind === 'pglite' && config.database.dataDir === undefined) {
      throw new ConfigError('migrate needs a store that outlives it (postgres://… or pglite:PATH): pglite:memory is gone when migrate exits');
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return failStartup(error.message, error instanceof UnusableFileError ? 1 : 2);
  }
  // Start-up (or migrate) whose work stopped without settling, with nothing left to wait for (a callback a
  // library lost), would end the process with status 0 and no word: it is a failure like any other.
  const stalled = () => failStartup(`${migrateOnly ? 'migrate' : 'cannot start'}: start-up stopped with nothing left to wait for (a bug: run with -v and report it)`, 1);
  process.once('beforeExit', stalled);
  ignoreLogStreamErrors();
  const logger = createLogger({ format: config.logFormat, level: config.logLevel });
  try {
    tracing = startTracing(
      { name: 'users-server', version: buildInfo.version },
      process.env,
      onExportStateChange(
        (error) => logger.warn('traces cannot be exported: spans are dropped', { endpoint: tracing?.endpoint, error: oneLine(error.message) }),
        () => logger.info('traces exported again', { endpoint: tracing?.endpoint }),
      ),
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return failStartup(error.message, 2);
  }
  // Node prints its warnings to stderr in its own format; they go through the
  // logger instead, so that under --logfmt=json every line is JSON.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn('node warning', { name: warning.name, warning: warning.message }));
  // A signal before anything is served (waiting for a pglite lock, opening the store, loading the samples):
  // nothing to drain, so stop at once, and say so. A migration cut short is no success: it keeps the signal's code.
  const stopStarting = (signal: NodeJS.Signals) => {
    logger.info(migrateOnly ? 'migrate stopped before it finished' : 'stopped during start-up: nothing was served', { signal });
    process.exit(migrateOnly ? (SIGNAL_EXIT_CODES[signal] ?? 1) : 0);
  };
  process.on('SIGTERM', stopStarting);
  process.on('SIGINT', stopStarting);
  if (migrateOnly) return migrate(config.database as SqlStorage, config.databasePoolSize, logger, failStartup);

  let server;
  try {
    server = await startUsersServer(config, logger, undefined, tracing);
  } catch (error) {
    const message = error instanceof SampleUsersError || error instanceof ListenError ? error.message : `cannot start: ${(error as Error).message}`;
    logger.debug('start-up failure', { error: (error as Error).stack });
    return failStartup(message, 1);
  }

  process.removeListener('beforeExit', stalled);
  process.removeListener('SIGTERM', stopStarting);
  process.removeListener('SIGINT', stopStarting);
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn('second signal: exiting now', { signal });
      server.forceShutdown();
      process.exit(SIGNAL_EXIT_CODES[signal] ?? 1);
    }
    signalled = true;
    logger.info('shutting down gracefully', { signal, ...(config.drainDelayMs > 0 && { drain_delay_ms: config.drainDelayMs }), grace_period_ms: config.gracePeriodMs });
    // With tracing, the spans still buffered are sent once the calls are done.
    const traces = tracing;
    const stopped = traces ? server.shutdown().then(() => flushTraces(traces, logger)) : server.shutdown();
    stopped.then(
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
    // Only when asked for: most runs have no separate health listener.
    ...(config.healthAddress && { health: boundAddress(config.healthAddress, server.healthPort!) }),
    ...(tracing && { traces: tracing.endpoint }),
    version: buildInfo.version,
    commit: buildInfo.commit,
  });
}

async function migrate(storage: SqlStorage, poolSize: number, logger: Logger, failStartup: (message: string, code: number) => never): Promise<never> {
  try {
    const outcome = await migrateStorage(storage, { poolSize, env: process.env, lockEvents: storageLockEvents(logger) });
    logger.info('database schema up to date', { storage: describeStorage(storage, process.env), schema_version: outcome.version, migrations_applied: outcome.applied.length });
    process.exit(0);
  } catch (error) {
    logger.debug('migration failure', { error: (error as Error).stack });
    return failStartup(`migrate: ${(error as Error).message}`, 1);
  }
}

function boundAddress(configured: string, port: number): string {
  return `${parseHostPort(configured)!.host}:${port}`;
}

void main();
