import { execute } from 'abort-controller-x';
import { HealthServiceImpl, type HealthState, type HealthStatus } from 'nice-grpc-server-health';
import { HealthCheckResponse_ServingStatus as ServingStatus } from '../../gen/grpc/health/v1/health';

const SERVING_STATUS: Record<HealthStatus, ServingStatus> = {
  healthy: ServingStatus.SERVING,
  unhealthy: ServingStatus.NOT_SERVING,
  unknown: ServingStatus.SERVICE_UNKNOWN,
};

/**
 * grpc.health.v1 over `state`: nice-grpc-server-health's Check, and its Watch
 * with the streams waiting in a Set. The library's Watch adds a listener to
 * the state per stream, and Node removes a listener by a linear search:
 * closing 10,000 streams cost O(N²) and stalled the whole server for 12 s.
 * Here the state has one listener, and a stream joins and leaves in O(1).
 * (How many may be open at once: transport/streaming-calls.ts.)
 */
export function healthService(state: HealthState): HealthServiceImpl {
  const { check } = HealthServiceImpl(state);
  const changes = new StatusChanges(state);
  return {
    check,
    async *watch(request, context) {
      // Ended by the server's shutdown (terminator-middleware.ts) rather than waited for.
      context.abortOnTerminate?.();
      let last: HealthStatus | undefined;
      for (;;) {
        const status = state.getStatus(request.service);
        if (status !== last) yield { status: SERVING_STATUS[status] };
        last = status;
        await changes.next(context.signal);
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
