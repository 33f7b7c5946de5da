import { getChannelzHandlers } from '@grpc/grpc-js';
import type { Channel } from 'nice-grpc';

// grpc-js's channelz, read in process: which addresses a load-balancing channel
// has a READY connection to. The handlers are those of the channelz service,
// called directly with a request and a callback.
const handlers = getChannelzHandlers();

function ask<T>(handler: unknown, request: object): Promise<T> {
  return new Promise((resolve, reject) =>
    (handler as (call: { request: object }, callback: (error: Error | null, value?: T) => void) => void)({ request }, (error, value) =>
      error ? reject(error) : resolve(value as T),
    ),
  );
}

interface SubchannelInfo {
  subchannel: { data: { target: string; state: { state: string } } };
}

export async function readyAddresses(channel: Channel): Promise<string[]> {
  const { channel: info } = await ask<{ channel: { subchannel_ref: Array<{ subchannel_id: string }> } }>(handlers.GetChannel, {
    channel_id: String(channel.getChannelzRef().id),
  });
  const subchannels = await Promise.all(info.subchannel_ref.map((ref) => ask<SubchannelInfo>(handlers.GetSubchannel, { subchannel_id: String(ref.subchannel_id) })));
  return subchannels.filter((s) => s.subchannel.data.state.state === 'READY').map((s) => s.subchannel.data.target);
}

/** Resolves once the channel has a READY connection to `address` (checked every 20 ms). */
export async function untilReady(channel: Channel, address: string): Promise<void> {
  while (!(await readyAddresses(channel)).includes(address)) await new Promise((resolve) => setTimeout(resolve, 20));
}
