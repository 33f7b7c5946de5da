/**
 * Application outcomes of the user service. They are answers, not failures:
 * the transport maps them to a Status in a successful gRPC response.
 */
export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; kind: 'invalid'; message: string }
  | { ok: false; kind: 'not-found'; message: string }
  | { ok: false; kind: 'conflict'; message: string }
  // A bounded store is full: no retry with other data helps.
  | { ok: false; kind: 'full'; message: string };

export type Failure = Exclude<Outcome<never>, { ok: true }>;

export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const invalid = (message: string): Failure => ({ ok: false, kind: 'invalid', message });
export const notFound = (message: string): Failure => ({ ok: false, kind: 'not-found', message });
export const conflict = (message: string): Failure => ({ ok: false, kind: 'conflict', message });
export const full = (message: string): Failure => ({ ok: false, kind: 'full', message });
