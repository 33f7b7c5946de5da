import { ClientError, Status } from 'nice-grpc-common';
import type { ConnectionConfig } from './settings';
import type { ConnectFailure } from './connection-probe';
import { oneLine } from '../shared/quote';

/** A runtime failure: one line on stderr, exit 1; `debug` lines only under -v. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly debug: string[] = [],
    /** The gRPC status code, when a call failed with one. */
    readonly grpcCode?: Status,
  ) {
    super(message);
  }
}

/** A user.Status other than SUCCESS in a response: the server's message is the error. */
export class StatusError extends CliError {
  /** The server refused a value the user typed in a flag (its message names the flag): a usage error, exit 2. */
  namesFlag = false;

  /** The message with the request's field paths (`user.age`) named as the flags the user typed (`--age`). */
  withFieldNames(flags: Record<string, string>): StatusError {
    let message = this.message;
    // Longest first, so that `user.name.first` is not read as `user.name` + `.first`.
    for (const field of Object.keys(flags).sort((a, b) => b.length - a.length)) {
      message = message.replace(new RegExp(`(?<![\\w.])${field.replace(/\./g, '\\.')}(?![\\w.])`, 'g'), flags[field]);
    }
    const named = new StatusError(message, this.debug);
    named.namesFlag = message !== this.message;
    return named;
  }
}

/**
 * A failed call as one line naming the address and the reason, keyed on the
 * gRPC status code and, for UNAVAILABLE, on the error code of a probe
 * connection (Node's TLS and socket codes), not on English phrases.
 */
export function callError(error: unknown, connection: ConnectionConfig, failure: ConnectFailure | undefined): unknown {
  if (!(error instanceof ClientError)) return error;
  const debug = [
    `gRPC status: ${Status[error.code]} on ${error.path}: ${oneLine(error.details)}`,
    ...(failure ? [`probe connection: ${failure.code}: ${failure.message}`] : []),
    ...(error.stack ? [error.stack] : []),
  ];
  const { address } = connection;
  switch (error.code) {
    case Status.DEADLINE_EXCEEDED:
      return new CliError(`${address} did not answer within ${connection.timeoutText} (see --timeout)`, debug, error.code);
    case Status.UNAVAILABLE:
      // The probe got through: the server was reached, and answered that (e.g. its database is down).
      if (!failure) return new CliError(`${address} is unavailable: ${serverMessage(error.details)}`, debug, error.code);
      return new CliError(`cannot reach ${address}: ${unreachableReason(failure, connection)}`, debug, error.code);
    case Status.CANCELLED:
      // users-cli cancels nothing itself: the server did (grpc-js says only "Call cancelled").
      return new CliError(`${address} cancelled the call: is it shutting down?`, debug, error.code);
    case Status.UNIMPLEMENTED:
      return new CliError(`${address} does not implement ${error.path.replace(/^\//, '')}: is it users-server?`, debug, error.code);
    default:
      return new CliError(serverMessage(error.details) || `${address} answered ${Status[error.code]}`, debug, error.code);
  }
}

const UNTRUSTED_CHAIN = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_SIGNATURE_FAILURE',
]);

/** Why the connection failed, from the probe's stable error code. */
function unreachableReason(failure: ConnectFailure, { tls }: ConnectionConfig): string {
  const { code } = failure;
  const trust = tls?.caSource ? `the CA in ${tls.caSource}` : 'the system CAs';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'cannot resolve the host name';
  if (code === 'ECONNREFUSED') return 'connection refused: is users-server listening there?';
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `no route to the server (${code})`;
  if (code === 'HTTP1') return `the server answered in ${failure.message}, not gRPC over HTTP/2: is it users-server?`;
  if (code === 'NOT_HTTP2') return 'the server does not speak gRPC (HTTP/2): is it users-server?';
  if (code === 'TLS_EXPECTED') return 'the server expects TLS: add --tls (and --cacert if its CA is not a system one)';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `TLS: the server certificate is not valid for ${failure.host} (it is for ${failure.altNames}): see --servername`;
  }
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return tls?.caSource
      ? `TLS: the server certificate is self-signed, and is not the one in ${tls.caSource}`
      : 'TLS: the server certificate is self-signed: give it with --cacert to trust it';
  }
  if (UNTRUSTED_CHAIN.has(code)) {
    return tls?.caSource
      ? `TLS: the server certificate is not signed by ${trust} (${failure.message})`
      : `TLS: the server certificate is not signed by ${trust} (${failure.message}): give its CA with --cacert`;
  }
  if (code === 'INVALID_PURPOSE') return `TLS: the server certificate is not one for a server (${failure.message})`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return `TLS: the server certificate is not valid now (${failure.message})`;
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || code === 'PLAINTEXT_SERVER') {
    return 'TLS handshake failed: the server speaks plaintext (drop --tls and the other TLS settings, or set --cleartext)';
  }
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' || code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE') {
    return 'TLS: the server requires a client certificate: give one with --cert and --key';
  }
  if (code === 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' || code === 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' || code === 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN') {
    return 'TLS: the server refused the client certificate (--cert): is it signed by a CA the server trusts?';
  }
  if (code === 'ECONNRESET' || code === 'CLOSED') {
    if (!tls) return 'the server closed the connection: does it expect TLS (see --tls), or is it at its connection limit (--max-connections)?';
    return tls.clientCert
      ? 'the server closed the connection: does it trust the CA of the client certificate (--cert), or is it at its connection limit (--max-connections)?'
      : 'the server closed the connection: does it require a client certificate (--cert, --key), or is it at its connection limit (--max-connections)?';
  }
  return `${failure.message} (${code})`;
}

/** A server's message on one line, its control and format characters escaped: it goes to a terminal. */
function serverMessage(text: string): string {
  return oneLine(text.replace(/\s*\n\s*/g, ' ').trim());
}
