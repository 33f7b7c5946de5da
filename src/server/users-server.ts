import { setTimeout as delay } from 'node:timers/promises';
import { createServer } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { UserServiceDefinition } from '../../gen/user/user';
import { RepositorySchemaMissingError } from '../domain/storage-errors';
import { UserService } from '../domain/user-service';
import { describeStorage } from '../repository/database-url';
import { openStorage, type OpenedStorage } from '../repository/open-storage';
import type { DirectoryLockEvents } from '../repository/sql/directory-lock';
import type { UserRepository } from '../repository/user-repository';
import { builtinSampleUsers } from '../samples/builtin-sample-users';
import { loadSampleUsers } from '../samples/load-sample-users';
import { readSampleUsersFile } from '../samples/sample-users-file';
import type { Logger } from '../shared/logger';
import { escape } from '../shared/quote';
import type { Tracing } from '../shared/tracing';
import type { ServerConfig } from './config';
import { serverChannelOptions } from './channel-options';
import { ReloadableServerCredentials, serverCredentials } from './credentials';
import { ServingHealth } from './health';
import { healthService } from './health-service';
import { startHealthListener } from './health-listener';
import { fullGarbageCollector } from './full-gc';
import { listenFor } from './listen-failure';
import { createServerMetrics, startMetricsListener } from './metrics';
import { reflectionService, ServerReflectionService } from './reflection';
import { watchTlsFiles } from './tls-reloader';
import { callLoggingMiddleware } from './transport/call-logging-middleware';
import { internalErrorMiddleware } from './transport/internal-error-middleware';
import { createInFlightCalls } from './transport/in-flight-calls';
import { rateLimitedRejectionLog, rejectionInterceptor, type Rejection } from './transport/rejected-requests';
import { watchHttp2Refusals } from './transport/http2-refusals';
import { listenCapturingHttp2Servers } from './transport/http2-servers';
import { boundArrivingRequests } from './transport/arriving-requests';
import { boundBufferedAnswers } from './transport/buffered-answers';
import { boundConnections } from './transport/connection-bounds';
import { checkRequestFraming } from './transport/request-framing';
import { boundLargeRequests } from './transport/large-requests';
import { boundStreamingCalls } from './transport/streaming-calls';
import { refuseInvalidUtf8, withUtf8Check } from './transport/strict-utf8';
import { createTerminator } from './transport/terminator-middleware';
import { PAGED_PATHS, userHandlers } from './transport/user-handlers';
import { settledWithin } from '../shared/settled-within';

export interface RunningServer {
  /** The bound gRPC port (useful with port 0). */
  port: number;
  /** The bound metrics port, when metrics are enabled. */
  metricsPort?: number;
  /** The bound plaintext health port, when --health-address is given. */
  healthPort?: number;
  /**
   * Graceful stop: NOT_SERVING at once; still serving for the drain delay;
   * then no new calls, in-flight calls finish within the grace period (then
   * they are cut), health Watch streams end at once.
   */
  shutdown(): Promise<void>;
  /** Immediate stop, for a second signal. */
  forceShutdown(): void;
}

/**
 * Wires repository → service → transport, loads samples, and listens. The
 * repository comes from --database-url unless a test hands one in.
 */
export async function startUsersServer(config: ServerConfig, logger: Logger, repository?: UserRepository, tracing?: Tracing): Promise<RunningServer> {
  const storage = repository ? { repository } : await openLoggedStorage(config, logger, tracing);
  try {
    return await serve(config, logger, storage, tracing);
  } catch (error) {
    await storage.repository.close().catch(() => {});
    throw error;
  }
}

async function openLoggedStorage(config: ServerConfig, logger: Logger, tracing: Tracing | undefined): Promise<OpenedStorage> {
  const storage = config.database ?? { kind: 'memory' };
  const opened = await openStorage(storage, { poolSize: config.databasePoolSize, maxUsers: config.maxUsers, env: process.env, tracing, lockEvents: storageLockEvents(logger) });
  if (opened.migration) {
    logger.info('storage opened', { storage: describeStorage(storage, process.env), schema_version: opened.migration.version, migrations_applied: opened.migration.applied.length });
  }
  return opened;
}

/**
 * A pglite: directory's lock: waiting for a stale one is logged; a lost one
 * ends the process at once, before another write: two writers corrupt the directory.
 */
export function storageLockEvents(logger: Logger): DirectoryLockEvents {
  return {
    waiting: (message) => logger.warn(message),
    takenOver: (message) => logger.warn(message),
    lost: (error) => {
      logger.error('storage lock lost: exiting now', { error: error.message });
      process.exit(1);
    },
  };
}

async function serve(config: ServerConfig, logger: Logger, { repository, availability }: OpenedStorage, tracing?: Tracing): Promise<RunningServer> {
  const service = new UserService(repository);
  await loadSamples(config, service, logger);

  const health = new ServingHealth();
  // One line per change of state, not one per failed call.
  availability?.onChange((available, reason) => {
    health.database(available);
    if (available) logger.info('database available again: serving user.UserService');
    else if (reason instanceof RepositorySchemaMissingError) {
      logger.error('database schema missing: user.UserService is NOT_SERVING until the users table is back', { error: errorMessage(reason.cause) });
    } else logger.error('database unavailable: user.UserService is NOT_SERVING until it answers again', { error: errorMessage(reason?.cause) });
  });
  // A killed or recycled connection while the database answers: not an outage; at most one line a minute.
  availability?.onConnectionLoss((cause, lostCalls) => {
    logger.warn('database connection lost: calls retried on a new connection, user.UserService stays SERVING', { error: errorMessage(cause), lost_calls: lostCalls });
  });
  // Not an outage: health stays SERVING; at most one line a minute.
  availability?.onShortage((cause, refusedCalls) => {
    logger.warn('database short of resources: calls refused, user.UserService stays SERVING', { error: errorMessage(cause), refused_calls: refusedCalls });
  });
  const terminator = createTerminator();
  // No metrics wanted, no counting and no process-metrics timers either.
  // Known once listening (boundBufferedAnswers below).
  let waitingCalls = () => 0;
  let answersSent = () => Promise.resolve();
  const metrics = config.metricsAddress ? createServerMetrics(() => service.count(), () => waitingCalls()) : undefined;
  const inFlight = createInFlightCalls();
  const logRejection = rateLimitedRejectionLog(logger);
  const onRejected = (rejection: Rejection) => {
    metrics?.countRejected(rejection.reason);
    logRejection(rejection);
  };
  const options = { ...serverChannelOptions(config), interceptors: [rejectionInterceptor(onRejected)] };
  const collectGarbage = fullGarbageCollector();
  const streamingCalls = boundStreamingCalls(
    config.maxStreamingCalls,
    (method, details) => onRejected({ reason: 'too_many_streaming_calls', method, grpcCode: 'RESOURCE_EXHAUSTED', details }),
    collectGarbage,
  );
  // Tracing outermost, so that the call log line can name the call's span.
  const traced = tracing ? createServer(options).use(tracing.serverMiddleware) : createServer(options);
  const server = (metrics ? traced.use(metrics.middleware) : traced)
    .use(inFlight.middleware)
    .use(callLoggingMiddleware(logger, tracing?.logFields))
    .use(refuseInvalidUtf8(onRejected))
    .use(streamingCalls)
    .use(internalErrorMiddleware(logger))
    .use(terminator.middleware);
  server.add(withUtf8Check(UserServiceDefinition), userHandlers(service, { maxPageSize: config.maxPageSize, maxResponseBytes: config.maxResponseBytes }));
  const healthImpl = healthService(health.state);
  server.add(withUtf8Check(HealthDefinition), healthImpl);
  if (config.reflection) {
    server.add(ServerReflectionService, reflectionService([UserServiceDefinition.fullName, HealthDefinition.fullName]));
  }

  const credentials = serverCredentials(config.tls);
  const { port, servers: http2Servers } = await listenFor('--address', config.address, () => listenCapturingHttp2Servers(() => server.listen(config.address, credentials)));
  const tlsReloader = config.tls && credentials instanceof ReloadableServerCredentials ? watchTlsFiles(config.tls, credentials, logger) : undefined;
  // The probe port is a gRPC server too, as open to anyone who reaches it: the same bounds, counts and logs.
  const healthAddress = config.healthAddress;
  const healthListener = healthAddress ? await listenFor('--health-address', healthAddress, () => startHealthListener(healthAddress, healthImpl, options, onRejected, streamingCalls)) : undefined;
  const allHttp2Servers = [...http2Servers, ...(healthListener?.http2Servers ?? [])];
  watchHttp2Refusals(allHttp2Servers, onRejected);
  checkRequestFraming(allHttp2Servers, onRejected);
  boundConnections(allHttp2Servers, { max: config.maxConnections, setupTimeoutMs: config.connectionSetupTimeoutMs }, onRejected);
  boundLargeRequests(allHttp2Servers, collectGarbage);
  boundArrivingRequests(
    allHttp2Servers,
    { maxArriving: config.maxArrivingRequests, timeoutMs: config.requestTimeoutMs, streamsRequests: (path) => path === ServerReflectionService.serverReflectionInfo.path },
    (reason, method, details) => onRejected({ reason, method, grpcCode: 'CANCELLED', details }),
    collectGarbage,
  );
  // A paged answer weighs up to its byte budget plus the 5 bytes of gRPC framing; other answers are small.
  ({ waitingCalls, allSent: answersSent } = boundBufferedAnswers(
    http2Servers,
    {
      maxBufferedBytes: config.maxBufferedAnswerBytes,
      maxTotalBufferedBytes: config.maxTotalBufferedAnswerBytes,
      unreadAnswerTimeoutMs: config.unreadAnswerTimeoutMs,
      reserveFor: (path) => (PAGED_PATHS.has(path) ? config.maxResponseBytes + 5 : 0),
    },
    (method) => onRejected({ reason: 'unread_answer', method, grpcCode: 'CANCELLED', details: `answer unread for ${config.unreadAnswerTimeoutMs} ms (--unread-answer-timeout)` }),
  ));
  const metricsAddress = config.metricsAddress;
  const metricsListener = metrics && metricsAddress ? await listenFor('--metrics-address', metricsAddress, () => startMetricsListener(metricsAddress, metrics.registry)) : undefined;
  health.serving();

  let stopping: Promise<void> | undefined;
  const drain = new AbortController();
  const stop = async () => {
    health.notServing();
    // Load balancers and kube-proxy keep routing here for a few seconds: serve on meanwhile.
    await delay(config.drainDelayMs, undefined, { signal: drain.signal }).catch(() => undefined);
    terminator.terminate();
    // Done when every call has ended, even if a connection stays open (a
    // client that ignores GOAWAY, a raw socket): forceShutdown closes those.
    // Handlers done is not answers sent: an answer its client reads slowly is still going out.
    const drained = Promise.race([server.shutdown(), inFlight.idle().then(answersSent).then(flushed)]);
    if (!(await settledWithin(drained, config.gracePeriodMs)) && inFlight.count() > 0) {
      logger.warn('grace period over: cutting the calls still in flight', { calls: inFlight.count(), grace_period_ms: config.gracePeriodMs });
    }
    server.forceShutdown();
    tlsReloader?.close();
    healthListener?.close();
    await metricsListener?.close();
    await repository.close();
  };

  return {
    port,
    metricsPort: metricsListener?.port,
    healthPort: healthListener?.port,
    shutdown: () => (stopping ??= stop()),
    forceShutdown: () => {
      drain.abort();
      tlsReloader?.close();
      healthListener?.close();
      server.forceShutdown();
    },
  };
}

/**
 * Resolves once the last call's status has reached the socket: grpc-js hands
 * it to HTTP/2 after the handler ends, and Node writes HTTP/2 frames from an
 * immediate. Two turns of the event loop's check phase, not a timer.
 */
function flushed(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function loadSamples(config: ServerConfig, service: UserService, logger: Logger): Promise<void> {
  if (!config.samples) return;
  // Samples go into an empty store only: a restart, or a second replica, finds users and leaves them.
  const existing = await service.count();
  if (existing > 0) {
    logger.info('sample users not loaded: the store already holds users', { count: existing });
    return;
  }
  const [users, source] = config.samplesFile
    ? [await readSampleUsersFile(config.samplesFile), `samples file ${escape(config.samplesFile)}`]
    : [builtinSampleUsers(), 'built-in sample users'];
  const count = await loadSampleUsers(service, users, source);
  logger.info('sample users loaded', { count, source });
}
