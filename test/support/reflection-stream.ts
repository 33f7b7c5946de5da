import { createClient, type Channel } from 'nice-grpc';
import { ServerReflectionService } from 'nice-grpc-server-reflection';
import { ServerReflectionRequest } from 'nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_pb';

/**
 * An open grpc.reflection.v1 stream, driven request by request: a call that
 * stays in flight for as long as the test keeps it open (there is no slow
 * user.UserService RPC to hold one open otherwise).
 */
export function openReflectionStream(channel: Channel) {
  const pending: ServerReflectionRequest[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  async function* requests() {
    for (;;) {
      while (pending.length > 0) yield pending.shift()!;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  const responses = createClient(ServerReflectionService, channel).serverReflectionInfo(requests())[Symbol.asyncIterator]();
  return {
    /** Asks for the service list and answers the names. */
    async listServices(): Promise<string[]> {
      pending.push(new ServerReflectionRequest().setListServices('*'));
      wake?.();
      const next = await responses.next();
      if (next.done) throw new Error('the reflection stream ended');
      return next.value.getListServicesResponse()!.getServiceList().map((s) => s.getName());
    },
    /** Half-closes the stream; resolves when the server has ended it. */
    async end(): Promise<void> {
      ended = true;
      wake?.();
      while (!(await responses.next()).done);
    },
  };
}
