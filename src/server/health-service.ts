import { execute } from 'abort-controller-x';
import { ServerError, Status } from 'nice-grpc';
import { HealthServiceImpl, type HealthState, type HealthStatus } from 'nice-grpc-server-health';
import { HealthCheckResponse_ServingStatus as ServingStatus } from '../../gen/grpc/health/v1/health';

const SERVING_STATUS: Record<HealthStatus, ServingStatus> = {
  healthy: ServingStatus.SERVING,
  unhealthy: ServingStatus.NOT_SERVING,
  unknown: ServingStatus.SERVICE_UNKNOWN,
};

export interface WatchBound {
  /** Watch streams open at once on the server, all its listeners together. */
  maxWatches: number;
  /** Called with the status details of each Watch refused for the bound. */
  onRefused(details: string): void;
}

/**
 * grpc.health.v1 over `state`: nice-grpc-server-health's Check, and its Watch
 * with the streams waiting in a Set. The library's Watch adds a listener to
 * the state per stream, and Node removes a listener by a linear search:
 * closing 10,000 streams cost O(N²) and stalled the whole server for 12 s.
 * Here the state has one listener, and a stream joins and leaves in O(1).
 * An open Watch holds 28 to 38 KiB (10,000 took the server past the chart's
 * 384Mi), so past `maxWatches` one is refused with RESOURCE_EXHAUSTED.
 */
export function healthService(state: HealthState, { maxWatches, onRefused }: WatchBound): HealthServiceImpl {
  const { check } = HealthServiceImpl(state);
  const changes = new StatusChanges(state);
  let open = 0;
  return {
    check,
    async *watch(request, context) {
      if (open >= maxWatches) {
        const details = `too many health Watch streams open on this server (at most ${maxWatches}, --max-health-watches): use Check, or Watch again later`;
        onRefused(details);
        throw new ServerError(Status.RESOURCE_EXHAUSTED, details);
      }
      open++;
      try {
        // Ended by the server's shutdown (terminator-middleware.ts) rather than waited for.
        context.abortOnTerminate?.();
        let last: HealthStatus | undefined;
        for (;;) {
          const status = state.getStatus(request.service);
          if (status !== last) yield { status: SERVING_STATUS[status] };
          last = status;
          await changes.next(context.signal);
        }
      } finally {
        open--;
      }
    },
  };
}

/** Waits for the state's next change; its waiters are a Set, woken together. */
export class StatusChanges {
  private readonly waiting = new Set<() => void>();

  constructor(state: HealthState) {
    state.on('change', () => {
      const woken = [...this.waiting];
      this.waiting.clear();
      for (const wake of woken) wake();
    });
  }

  /** Resolves at the next change; rejects with an AbortError when `signal` aborts first. */
  next(signal: AbortSignal): Promise<void> {
    return execute<void>(signal, (resolve) => {
      const wake = () => resolve();
      this.waiting.add(wake);
      return () => {
        this.waiting.delete(wake);
      };
    });
  }

  /** Streams waiting now (for tests). */
  get size(): number {
    return this.waiting.size;
  }
}
