import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import type { UserRecord } from '../../src/repository/user-repository';

/**
 * A memory repository whose list() waits until the test opens the gate: a
 * call held in flight for as long as the test needs, without sleeping.
 */
export class GatedRepository extends MemoryUserRepository {
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  private signalEntered!: () => void;
  /** Resolves once a list() call is waiting at the gate. */
  readonly entered = new Promise<void>((resolve) => (this.signalEntered = resolve));

  override async list(afterEmailKey: string | undefined, limit: number): Promise<UserRecord[]> {
    this.signalEntered();
    await this.gate;
    return super.list(afterEmailKey, limit);
  }

  release(): void {
    this.open();
  }
}
