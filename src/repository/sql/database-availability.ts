import { RepositoryOverloadedError, RepositoryUnavailableError } from '../../domain/storage-errors';
import { resourceShortage } from './sql-driver';

export type AvailabilityListener = (available: boolean, cause?: unknown) => void;
/** `refusedCalls`: calls refused for want of a resource since the last report (this one included). */
export type ShortageListener = (cause: unknown, refusedCalls: number) => void;

/** Shortages (too many connections, disk full) come and go with each call: reported at most once a minute. */
export const SHORTAGE_REPORT_INTERVAL_MS = 60_000;

/**
 * Whether the database answers. The first call that finds it unreachable
 * turns it "down": later calls fail at once (no wait for a connect timeout
 * each), and a probe retries in the background until the database answers
 * again. Listeners hear each change of state once (health, one log line).
 * A database short of a resource (SQLSTATE class 53, a statement timeout) is
 * not down: the call fails, health does not change, and shortages are
 * reported at most once per SHORTAGE_REPORT_INTERVAL_MS.
 */
export class DatabaseAvailability {
  private available = true;
  private probeTimer?: NodeJS.Timeout;
  private closed = false;
  private readonly listeners: AvailabilityListener[] = [];
  private readonly shortageListeners: ShortageListener[] = [];
  private lastShortageReport = -Infinity;
  private unreportedShortages = 0;

  constructor(
    private readonly ping: () => Promise<void>,
    private readonly isUnavailable: (error: unknown) => boolean,
    private readonly probeIntervalMs = 1000,
  ) {}

  get isAvailable(): boolean {
    return this.available;
  }

  onChange(listener: AvailabilityListener): void {
    this.listeners.push(listener);
  }

  onShortage(listener: ShortageListener): void {
    this.shortageListeners.push(listener);
  }

  /** Runs `work`, turning "cannot reach the database" into RepositoryUnavailableError, a shortage into RepositoryOverloadedError. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.available) throw new RepositoryUnavailableError();
    try {
      return await work();
    } catch (error) {
      if (this.isUnavailable(error)) {
        this.markDown(error);
        throw new RepositoryUnavailableError({ cause: error });
      }
      const shortage = resourceShortage(error);
      if (shortage === undefined) throw error;
      this.reportShortage(error);
      throw new RepositoryOverloadedError(shortage === 'storage-full', { cause: error });
    }
  }

  /** Stops probing; called when the repository closes. */
  stop(): void {
    this.closed = true;
    clearTimeout(this.probeTimer);
  }

  private reportShortage(cause: unknown): void {
    this.unreportedShortages += 1;
    const now = Date.now();
    if (now - this.lastShortageReport < SHORTAGE_REPORT_INTERVAL_MS) return;
    this.lastShortageReport = now;
    const refused = this.unreportedShortages;
    this.unreportedShortages = 0;
    for (const listener of this.shortageListeners) listener(cause, refused);
  }

  private markDown(cause: unknown): void {
    if (!this.available || this.closed) return;
    this.available = false;
    for (const listener of this.listeners) listener(false, cause);
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.closed) return;
    this.probeTimer = setTimeout(() => void this.probe(), this.probeIntervalMs);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    try {
      await this.ping();
    } catch {
      this.scheduleProbe();
      return;
    }
    if (this.closed) return;
    this.available = true;
    for (const listener of this.listeners) listener(true);
  }
}
