/** A listener of users-server that could not start: its message names the flag and the address. */
export class ListenError extends Error {}

const REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'not an address of this host',
  EACCES: 'permission denied',
};

/**
 * Runs `listen` for the listener that `flag` configures, and turns its failure
 * into one line: `cannot listen on --metrics-address 127.0.0.1:9402: address
 * already in use`. Node's error carries its code; grpc-js's carries Node's
 * message in its text (`No address added out of total 1 resolved errors:
 * [listen EADDRINUSE: ...]`).
 */
export async function listenFor<T>(flag: string, address: string, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const message = (error as Error).message;
    const code = (error as NodeJS.ErrnoException).code ?? /\blisten (E[A-Z]+)\b/.exec(message)?.[1];
    const reason = (code && REASONS[code]) ?? message;
    throw new ListenError(`cannot listen on ${flag} ${address}: ${reason}`);
  }
}
