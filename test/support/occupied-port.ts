import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A port on 127.0.0.1 that something already listens on, for "address in use" tests. */
export async function occupyPort(): Promise<{ port: number; release(): Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    release: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** occupyPort for a whole describe block: taken before its tests, released after. Read `port` inside tests. */
export function useOccupiedPort(): { readonly port: number } {
  const fixture = { port: 0 };
  let busy: Awaited<ReturnType<typeof occupyPort>>;
  beforeAll(async () => {
    busy = await occupyPort();
    fixture.port = busy.port;
  });
  afterAll(() => busy.release());
  return fixture;
}
