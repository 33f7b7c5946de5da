import { RepositoryUnavailableError } from '../repository-unavailable-error';

export type AvailabilityListener = (available: boolean, cause?: unknown) => void;

/**
 * Whether the database answers. The first call that finds it unreachable
 * turns it "down": later calls fail at once (no wait for a connect timeout
 * each), and a probe retries in the background until the database answers
 * again. Listeners hear each change of state once (health, one log line).
 */
export class DatabaseAvailability {
  private available = true;
  private probeTimer?: NodeJS.Timeout;
  private closed = false;
  private readonly listeners: AvailabilityListener[] = [];

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

  /** Runs `work`, turning "cannot reach the database" into RepositoryUnavailableError. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.available) throw new RepositoryUnavailableError();
    try {
      return await work();
    } catch (error) {
      if (!this.isUnavailable(error)) throw error;
      this.markDown(error);
      throw new RepositoryUnavailableError({ cause: error });
    }
  }

  /** Stops probing; called when the repository closes. */
  stop(): void {
    this.closed = true;
    clearTimeout(this.probeTimer);
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
