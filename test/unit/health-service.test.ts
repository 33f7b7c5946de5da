import { isAbortError } from 'abort-controller-x';
import type { CallContext } from 'nice-grpc';
import { HealthState, type HealthServiceImpl } from 'nice-grpc-server-health';
import { HealthCheckResponse_ServingStatus as ServingStatus } from '../../gen/grpc/health/v1/health';
import { healthService, StatusChanges } from '../../src/server/health-service';

function context(signal: AbortSignal): CallContext {
  return { signal } as CallContext;
}

/** A Watch call of `service`, read message by message. */
function watch(service: HealthServiceImpl, name: string, signal: AbortSignal) {
  return service.watch({ service: name }, context(signal))[Symbol.asyncIterator]();
}

/** Lets every pending promise callback run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('StatusChanges: the streams waiting for a change', () => {
  test('10,000 waiters are one listener on the state, woken together at a change, each leaving the Set when its call ends', async () => {
    const state = HealthState();
    const changes = new StatusChanges(state);
    const controllers = Array.from({ length: 10_000 }, () => new AbortController());
    const woken: boolean[] = [];
    const waits = controllers.map((controller, i) => changes.next(controller.signal).then(() => (woken[i] = true)));
    expect(changes.size).toBe(10_000);
    // Not one listener per stream: Node removes a listener by a linear search (O(N²) teardown).
    expect(state.listenerCount('change')).toBe(1);
    state.setStatus('unhealthy');
    await Promise.all(waits);
    expect(woken.filter(Boolean)).toHaveLength(10_000);
    expect(changes.size).toBe(0);

    const again = controllers.map((controller) => changes.next(controller.signal).catch((error: unknown) => isAbortError(error)));
    expect(changes.size).toBe(10_000);
    for (const controller of controllers) controller.abort();
    expect(changes.size).toBe(0);
    expect(await Promise.all(again)).toEqual(Array(10_000).fill(true));
    expect(state.listenerCount('change')).toBe(1);
  });

  test('an already aborted call does not wait', async () => {
    const changes = new StatusChanges(HealthState());
    const controller = new AbortController();
    controller.abort();
    await expect(changes.next(controller.signal)).rejects.toThrow('The operation has been aborted');
    expect(changes.size).toBe(0);
  });
});

describe('healthService', () => {
  test('Watch sends the status, then each change, and leaves nothing behind when cancelled', async () => {
    const state = HealthState();
    const service = healthService(state);
    const controller = new AbortController();
    const stream = watch(service, '', controller.signal);
    expect(await stream.next()).toEqual({ done: false, value: { status: ServingStatus.SERVING } });
    const next = stream.next();
    state.setStatus('unhealthy');
    expect(await next).toEqual({ done: false, value: { status: ServingStatus.NOT_SERVING } });
    const unknown = watch(service, 'nope', controller.signal);
    expect(await unknown.next()).toEqual({ done: false, value: { status: ServingStatus.SERVICE_UNKNOWN } });
    const pending = [stream.next(), unknown.next()];
    await settled();
    controller.abort();
    for (const result of await Promise.allSettled(pending)) expect(result.status === 'rejected' && isAbortError(result.reason)).toBe(true);
    expect(state.listenerCount('change')).toBe(1);
    expect(await service.check({ service: '' }, context(controller.signal))).toEqual({ status: ServingStatus.NOT_SERVING });
  });
});
