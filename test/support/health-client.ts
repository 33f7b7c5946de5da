import { createClient, type Channel } from 'nice-grpc';
import { HealthCheckResponse_ServingStatus, HealthDefinition, type HealthClient } from '../../gen/grpc/health/v1/health';

export { HealthCheckResponse_ServingStatus as ServingStatus };

export function healthClient(channel: Channel): HealthClient {
  return createClient(HealthDefinition, channel);
}

/** Reads a health Watch stream message by message, by status name. */
export function watchHealth(client: HealthClient, service: string, signal?: AbortSignal) {
  const iterator = client.watch({ service }, { signal })[Symbol.asyncIterator]();
  return {
    /** The next status, or `end` when the stream finished without error. */
    async next(): Promise<string> {
      const result = await iterator.next();
      return result.done ? 'end' : HealthCheckResponse_ServingStatus[result.value.status];
    },
  };
}
