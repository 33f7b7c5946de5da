import { connectivityState } from '@grpc/grpc-js';
import type { Channel } from 'nice-grpc';

/**
 * Counts the connections a channel has made, client side: each move to READY
 * is a new connection. `reached(n)` resolves once there have been n.
 */
export function countConnections(channel: Channel) {
  let count = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const follow = (last: connectivityState) => {
    channel.watchConnectivityState(last, Infinity, () => {
      const state = channel.getConnectivityState(false);
      if (state === connectivityState.READY) {
        count += 1;
        for (const waiter of waiters.filter((w) => count >= w.n)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
      if (state !== connectivityState.SHUTDOWN) follow(state);
    });
  };
  follow(channel.getConnectivityState(false));
  return {
    count: () => count,
    reached: (n: number) => (count >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
  };
}
