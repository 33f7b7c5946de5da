import { ClientError, Status } from 'nice-grpc';

/** Awaits a call that must fail with a gRPC error; answers its code (by name) and details. */
export async function clientErrorOf(call: Promise<unknown>): Promise<{ code: string; details: string }> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ClientError)) throw new Error(`expected a ClientError, got ${error === undefined ? 'a success' : String(error)}`);
  return { code: Status[error.code], details: error.details };
}

/**
 * The reason grpc-js gives for a connection that failed, without its wrapping
 * (`No connection established. Last error: ... Resolution note: `), its
 * timestamp, or OpenSSL's file and line: one line, the same on every run.
 */
export function connectionFailure(details: string): string {
  const last = /^No connection established\. Last error: ([\s\S]*?)(?: \(\d{4}-\d\d-\d\dT[\d:.]+Z\))?\. Resolution note: $/.exec(details);
  if (!last) throw new Error(`not a connection failure: ${JSON.stringify(details)}`);
  const openssl = /^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]+:([^:]+):/.exec(last[1]);
  return openssl ? `OpenSSL: ${openssl[1]}` : last[1];
}
