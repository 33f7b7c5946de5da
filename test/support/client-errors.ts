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
