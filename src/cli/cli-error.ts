import { ClientError, Status } from 'nice-grpc';
import { Status_StatusCode, status_StatusCodeToJSON, type Status as UserStatus } from '../../gen/user/user';
import type { ConnectionConfig } from './config';

/** A runtime failure: one line on stderr, exit 1; `debug` lines only under -v. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly debug: string[] = [],
  ) {
    super(message);
  }
}

/** A user.Status other than SUCCESS: the server's message is the error. */
export function statusError(status: UserStatus | undefined): CliError {
  const code = status_StatusCodeToJSON(status?.code ?? Status_StatusCode.FAILED);
  return new CliError(status?.msg || `the server answered ${code}`, [`status code: ${code}`]);
}

/** Turns what a call threw into a one-line message naming the address and the reason. */
export function callError(error: unknown, connection: ConnectionConfig): unknown {
  if (!(error instanceof ClientError)) return error;
  const debug = [`gRPC status: ${Status[error.code]} on ${error.path}: ${error.details}`, ...(error.stack ? [error.stack] : [])];
  const { address } = connection;
  switch (error.code) {
    case Status.DEADLINE_EXCEEDED:
      return new CliError(`${address} did not answer within ${connection.timeoutText} (see --timeout)`, debug);
    case Status.UNAVAILABLE:
      return new CliError(`cannot reach ${address}: ${unavailableReason(error.details, connection.tls !== undefined, connection.tls?.clientCert !== undefined)}`, debug);
    case Status.UNIMPLEMENTED:
      return new CliError(`${address} does not implement ${error.path.replace(/^\//, '')}: is it users-server?`, debug);
    default:
      return new CliError(oneLine(error.details) || `${address} answered ${Status[error.code]}`, debug);
  }
}

/** The reason grpc-js gives for a failed connection, freed of its wrapping and made actionable. */
function unavailableReason(details: string, tls: boolean, clientCert: boolean): string {
  if (/^Name resolution failed/.test(details)) return 'cannot resolve the host name';
  const reason = cleanReason(/Last error: ([\s\S]*?)\.?\s*Resolution note:/.exec(details)?.[1] ?? details);
  // The server dropped the connection without a word; after a TLS handshake
  // that is how a server refuses a client certificate from an unknown CA.
  if (reason === 'Failed to connect' || reason === 'read ECONNRESET') {
    if (!tls) return 'the server closed the connection (does it expect TLS? see --tls)';
    return clientCert
      ? 'the server closed the connection after the TLS handshake: does it trust the CA of the client certificate (--cert)?'
      : 'the server closed the connection after the TLS handshake: does it require a client certificate (--cert, --key)?';
  }
  if (/unable to verify the first certificate|self[- ]signed certificate|unable to get (local )?issuer certificate/i.test(reason)) {
    return `TLS: the server certificate is not trusted (${reason}): give its CA with --cacert`;
  }
  const altnames = /Host: (.+?)\. is not in the cert's altnames: (.*)$|IP: (.+?) is not in the cert's list: (.*)$/.exec(reason);
  if (altnames) {
    return `TLS: the server certificate is not valid for ${altnames[1] ?? altnames[3]} (it is for ${altnames[2] ?? altnames[4]}): see --servername`;
  }
  if (/alert certificate required|alert handshake failure/.test(reason)) {
    return 'TLS: the server requires a client certificate: give one with --cert and --key';
  }
  if (/alert (unknown ca|bad certificate|certificate unknown)/.test(reason)) {
    return `TLS: the server refused the client certificate (${reason}): is it signed by a CA the server trusts?`;
  }
  if (/wrong version number|packet length too long|socket disconnected before secure TLS connection/i.test(reason)) {
    return `TLS handshake failed (${reason}): is the server plaintext? (drop --tls)`;
  }
  return reason;
}

/**
 * `Error [ERR_X]: message (2026-01-01T00:00:00.000Z)` → `message`; an OpenSSL
 * error string (`hex:error:hex:SSL routines:func:reason:file:line:`) → its reason.
 */
function cleanReason(raw: string): string {
  let reason = oneLine(raw)
    .replace(/\s*\(\d{4}-\d\d-\d\dT[\d:.]+Z\)$/, '')
    .replace(/^Error(?: \[[A-Z0-9_]+\])?: /, '');
  const openssl = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/.exec(reason);
  if (openssl) reason = openssl[1];
  return reason.replace(/\.$/, '');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
