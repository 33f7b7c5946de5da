import { RepositoryOverloadedError, RepositorySchemaMissingError, RepositoryUnavailableError } from '../../domain/storage-errors';
import { isSchemaMissing, resourceShortage, type SqlDriver } from './sql-driver';

/** `reason` (down only): what calls are refused with, its cause the error that found the database down. */
export type AvailabilityListener = (available: boolean, reason?: RepositoryUnavailableError) => void;
/** `refusedCalls`: calls refused for want of a resource since the last report (this one included). */
export type ShortageListener = (cause: unknown, refusedCalls: number) => void;
/** `lostCalls`: calls whose connection was lost while the database answered, since the last report (this one included). */
export type ConnectionLossListener = (cause: unknown, lostCalls: number) => void;

/** What the availability needs from the driver. */
export type DatabaseChecks = Pick<SqlDriver, 'isUnavailable' | 'isConnectionLost'> & {
  /** A statement on the users table, on a connection opened for it: rejects when the database is down or the table missing. */
  check(): Promise<void>;
};

export interface RunOptions {
  /** `work` may run a second time after its connection was lost: reads, and writes that tell their own earlier attempt's effect. */
  retry: boolean;
}

/** Shortages (too many connections, disk full) come and go with each call: reported at most once a minute. */
export const SHORTAGE_REPORT_INTERVAL_MS = 60_000;

/** Checks after a lost connection that may lose their own before the database counts as down. */
const CHECKS_AFTER_LOSS = 3;

/**
 * Whether the database answers. The first call that finds it unreachable
 * turns it "down": later calls fail at once (no wait for a connect timeout
 * each), and a probe retries in the background until the database answers
 * again. Listeners hear each change of state once (health, one log line).
 * A missing users table (a restore under way) is down too, with its own reason.
 *
 * A call whose connection is lost (an administrator's kill, a proxy or a
 * failover recycling connections) does not say the database is down: it is
 * retried once when `retry` allows (on a connection opened since: the driver
 * no longer reuses older ones), and the database is found down only if a check
 * on a connection of its own fails too; otherwise only the call fails, with
 * `database connection lost`. Losses are reported at most once per interval.
 *
 * A database short of a resource (SQLSTATE class 53, a statement timeout) is
 * not down: the call fails, health does not change, and shortages are
 * reported at most once per SHORTAGE_REPORT_INTERVAL_MS.
 */
export class DatabaseAvailability {
  /** Undefined while available. */
  private down?: RepositoryUnavailableError;
  private probeTimer?: NodeJS.Timeout;
  private closed = false;
  /** The check under way after a lost connection: concurrent losses share it. */
  private checking?: Promise<unknown>;
  private readonly listeners: AvailabilityListener[] = [];
  private readonly shortages = new ThrottledReport<ShortageListener>();
  private readonly losses = new ThrottledReport<ConnectionLossListener>();

  constructor(
    private readonly database: DatabaseChecks,
    private readonly probeIntervalMs = 1000,
  ) {}

  get isAvailable(): boolean {
    return this.down === undefined;
  }

  onChange(listener: AvailabilityListener): void {
    this.listeners.push(listener);
  }

  onShortage(listener: ShortageListener): void {
    this.shortages.listeners.push(listener);
  }

  onConnectionLoss(listener: ConnectionLossListener): void {
    this.losses.listeners.push(listener);
  }

  /**
   * Runs `work`, turning "cannot reach the database" (or its lost connection) into RepositoryUnavailableError,
   * a missing table into RepositorySchemaMissingError, a shortage into RepositoryOverloadedError.
   */
  async run<T>(work: () => Promise<T>, options: RunOptions): Promise<T> {
    if (this.down) throw this.refusal();
    let lost: unknown;
    try {
      return await work();
    } catch (error) {
      if (!this.database.isConnectionLost(error)) throw this.failure(error);
      lost = error;
    }
    if (options.retry && !this.down) {
      try {
        const result = await work();
        this.losses.report(lost);
        return result;
      } catch (again) {
        if (!this.database.isConnectionLost(again)) throw this.failure(again);
        lost = again;
      }
    }
    throw await this.afterLoss(lost);
  }

  /** Stops probing; called when the repository closes. */
  stop(): void {
    this.closed = true;
    clearTimeout(this.probeTimer);
  }

  /** What a call that failed with `error` throws; the database is marked down when `error` says it is. */
  private failure(error: unknown): unknown {
    const down = this.downReason(error);
    if (down) {
      this.markDown(down);
      return down;
    }
    const shortage = resourceShortage(error);
    if (shortage === undefined) return error;
    this.shortages.report(error);
    return new RepositoryOverloadedError(shortage === 'storage-full', { cause: error });
  }

  /** A call's connection was lost (and its retry's, if any): down only if a new connection fails too. */
  private async afterLoss(lost: unknown): Promise<unknown> {
    if (this.down) return this.refusal();
    this.checking ??= this.confirmReachable().finally(() => (this.checking = undefined));
    const checkFailure = await this.checking;
    const down = checkFailure === undefined ? undefined : this.downReason(checkFailure);
    if (down) {
      this.markDown(down);
      return this.refusal();
    }
    this.losses.report(lost);
    return new RepositoryUnavailableError({ cause: lost }, 'database connection lost');
  }

  /**
   * The check, on a new connection; undefined when it passed, else its error. A check whose own connection is
   * lost too (sessions killed in a storm, an administrator's loop) is tried again: down only if the database
   * refuses it otherwise, or CHECKS_AFTER_LOSS checks in a row lose their connection.
   */
  private async confirmReachable(): Promise<unknown> {
    let failure: unknown;
    for (let attempt = 0; attempt < CHECKS_AFTER_LOSS; attempt++) {
      try {
        await this.database.check();
        return undefined;
      } catch (error) {
        failure = error;
        if (!this.database.isConnectionLost(error)) return error;
      }
    }
    return failure;
  }

  private downReason(error: unknown): RepositoryUnavailableError | undefined {
    if (this.database.isUnavailable(error)) return new RepositoryUnavailableError({ cause: error });
    if (isSchemaMissing(error)) return new RepositorySchemaMissingError({ cause: error });
    return undefined;
  }

  /** A call refused while down: the reason's message, no cause (the change of state was logged with it). */
  private refusal(): RepositoryUnavailableError {
    return this.down instanceof RepositorySchemaMissingError ? new RepositorySchemaMissingError() : new RepositoryUnavailableError();
  }

  private markDown(reason: RepositoryUnavailableError): void {
    if (this.down || this.closed) return;
    this.down = reason;
    for (const listener of this.listeners) listener(false, reason);
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.closed) return;
    this.probeTimer = setTimeout(() => void this.probe(), this.probeIntervalMs);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    try {
      await this.database.check();
    } catch (error) {
      // Down for another reason now (the table is back but the server stopped, or the reverse): a change of state.
      const reason = this.downReason(error);
      if (reason && this.down && reason.name !== this.down.name && !this.closed) {
        this.down = reason;
        for (const listener of this.listeners) listener(false, reason);
      }
      this.scheduleProbe();
      return;
    }
    if (this.closed) return;
    this.down = undefined;
    for (const listener of this.listeners) listener(true);
  }
}

/** Reports of something that comes and goes with each call: at most one per SHORTAGE_REPORT_INTERVAL_MS, with the count since the last. */
class ThrottledReport<Listener extends (cause: unknown, count: number) => void> {
  readonly listeners: Listener[] = [];
  private last = -Infinity;
  private unreported = 0;

  report(cause: unknown): void {
    this.unreported += 1;
    const now = Date.now();
    if (now - this.last < SHORTAGE_REPORT_INTERVAL_MS) return;
    this.last = now;
    const count = this.unreported;
    this.unreported = 0;
    for (const listener of this.listeners) listener(cause, count);
  }
}
