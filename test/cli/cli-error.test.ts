import { ClientError, Status } from 'nice-grpc-common';
import { callError, CliError, StatusError } from '../../src/cli/cli-error';
import type { ConnectFailure } from '../../src/cli/connection-probe';
import type { ConnectionConfig } from '../../src/cli/settings';

// callError keys on the gRPC status code and, for UNAVAILABLE, on the error
// code of the probe connection (test/e2e/cli*.test.ts make each one for real).

const plaintext: ConnectionConfig = { address: '127.0.0.1:8443', timeoutMs: 300, timeoutText: '300ms' };
const tls: ConnectionConfig = { ...plaintext, tls: {} };
const tlsWithCa: ConnectionConfig = { ...plaintext, tls: { ca: Buffer.from(''), caSource: '--cacert ca.crt' } };
const mtls: ConnectionConfig = { ...plaintext, tls: { clientCert: { cert: Buffer.from(''), key: Buffer.from('') } } };

const unavailable = new ClientError('/user.UserService/List', Status.UNAVAILABLE, 'No connection established. Last error: something in English');

function message(failure: ConnectFailure | undefined, connection = plaintext, error: ClientError = unavailable): string {
  const mapped = callError(error, connection, failure);
  expect(mapped).toBeInstanceOf(CliError);
  return (mapped as CliError).message;
}
const code = (code: string, text = ''): ConnectFailure => ({ code, message: text });

describe('callError: UNAVAILABLE, by the probe connection error code', () => {
  test.each([
    ['ECONNREFUSED', plaintext, 'connection refused: is users-server listening there?'],
    ['ENOTFOUND', plaintext, 'cannot resolve the host name'],
    ['EAI_AGAIN', plaintext, 'cannot resolve the host name'],
    ['EHOSTUNREACH', plaintext, 'no route to the server (EHOSTUNREACH)'],
    ['TLS_EXPECTED', plaintext, 'the server expects TLS: add --tls (and --cacert if its CA is not a system one)'],
    ['ECONNRESET', plaintext, 'the server closed the connection: does it expect TLS (see --tls), or is it at its connection limit (--max-connections)?'],
    ['CLOSED', tls, 'the server closed the connection: does it require a client certificate (--cert, --key), or is it at its connection limit (--max-connections)?'],
    ['ECONNRESET', mtls, 'the server closed the connection: does it trust the CA of the client certificate (--cert), or is it at its connection limit (--max-connections)?'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', tls, 'TLS handshake failed: the server speaks plaintext (drop --tls and the other TLS settings, or set --cleartext)'],
    ['ERR_SSL_PACKET_LENGTH_TOO_LONG', tls, 'TLS handshake failed: the server speaks plaintext (drop --tls and the other TLS settings, or set --cleartext)'],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', tls, 'TLS: the server requires a client certificate: give one with --cert and --key'],
    ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', tls, 'TLS: the server requires a client certificate: give one with --cert and --key'],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', mtls, 'TLS: the server refused the client certificate (--cert): is it signed by a CA the server trusts?'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', tls, 'TLS: the server certificate is self-signed: give it with --cacert to trust it'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', tlsWithCa, 'TLS: the server certificate is self-signed, and is not the one in --cacert ca.crt'],
    ['SOMETHING_NEW', tls, 'it broke (SOMETHING_NEW)'],
  ])('%s (%#)', (failureCode, connection, reason) => {
    expect(message(code(failureCode, 'it broke'), connection)).toBe(`cannot reach 127.0.0.1:8443: ${reason}`);
  });

  test('an untrusted chain: "give its CA" only when no CA was given', () => {
    for (const failureCode of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']) {
      expect(message(code(failureCode, 'unable to verify the first certificate'), tls)).toBe(
        'cannot reach 127.0.0.1:8443: TLS: the server certificate is not signed by the system CAs (unable to verify the first certificate): give its CA with --cacert',
      );
      expect(message(code(failureCode, 'unable to verify the first certificate'), tlsWithCa)).toBe(
        'cannot reach 127.0.0.1:8443: TLS: the server certificate is not signed by the CA in --cacert ca.crt (unable to verify the first certificate)',
      );
    }
  });

  test('ERR_TLS_CERT_ALTNAME_INVALID: the name checked and the names held', () => {
    const failure = { code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: '', host: 'wrong.example', altNames: 'DNS:localhost, IP Address:127.0.0.1' };
    expect(message(failure, tls)).toBe('cannot reach 127.0.0.1:8443: TLS: the server certificate is not valid for wrong.example (it is for DNS:localhost, IP Address:127.0.0.1): see --servername');
  });

  test('an HTTP/1 server', () => {
    expect(message(code('HTTP1', 'HTTP/1.1'))).toBe('cannot reach 127.0.0.1:8443: the server answered in HTTP/1.1, not gRPC over HTTP/2: is it users-server?');
  });

  test('when the probe got through, the server was reached: its details on one line', () => {
    const error = new ClientError('/user.UserService/List', Status.UNAVAILABLE, 'Connection dropped\nby peer');
    expect(message(undefined, plaintext, error)).toBe('127.0.0.1:8443 is unavailable: Connection dropped by peer');
    const databaseDown = new ClientError('/user.UserService/Create', Status.UNAVAILABLE, 'database unavailable');
    expect(message(undefined, plaintext, databaseDown)).toBe('127.0.0.1:8443 is unavailable: database unavailable');
  });
});

describe('callError: other gRPC status codes', () => {
  const failed = (status: Status, details: string) => message(undefined, plaintext, new ClientError('/user.UserService/List', status, details));

  test('DEADLINE_EXCEEDED: the address and the timeout', () => {
    expect(failed(Status.DEADLINE_EXCEEDED, 'Deadline exceeded')).toBe('127.0.0.1:8443 did not answer within 300ms (see --timeout)');
  });

  test('CANCELLED: the server cancelled it (users-cli cancels nothing itself)', () => {
    expect(failed(Status.CANCELLED, 'Call cancelled')).toBe('127.0.0.1:8443 cancelled the call: is it shutting down?');
  });

  test('UNIMPLEMENTED: not a users-server', () => {
    expect(failed(Status.UNIMPLEMENTED, '')).toBe('127.0.0.1:8443 does not implement user.UserService/List: is it users-server?');
  });

  test("others: the server's message on one line, else the code", () => {
    expect(failed(Status.INTERNAL, 'internal\nerror')).toBe('internal error');
    // A hostile server's escape sequences and bidi overrides never reach the terminal as such.
    expect(failed(Status.INTERNAL, 'evil\u202etxt.exe\u001b[31m')).toBe('evil\\u202etxt.exe\\u001b[31m');
    expect(message(undefined, plaintext, new ClientError('/user.UserService/List', Status.UNAVAILABLE, 'down\u0007'))).toBe('127.0.0.1:8443 is unavailable: down\\u0007');
    expect(failed(Status.PERMISSION_DENIED, '')).toBe('127.0.0.1:8443 answered PERMISSION_DENIED');
  });

  test('debug detail: the gRPC code, the probe, the stack; the code is kept', () => {
    const error = callError(unavailable, plaintext, code('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8443')) as CliError;
    expect(error.grpcCode).toBe(Status.UNAVAILABLE);
    expect(error.debug[0]).toBe('gRPC status: UNAVAILABLE on /user.UserService/List: No connection established. Last error: something in English');
    expect(error.debug[1]).toBe('probe connection: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:8443');
    expect(error.debug[2]).toMatch(/^ClientError: \/user\.UserService\/List UNAVAILABLE: /);
  });

  test('anything else is passed through untouched', () => {
    const error = new TypeError('boom');
    expect(callError(error, plaintext, undefined)).toBe(error);
  });
});

describe('StatusError.withFieldNames', () => {
  const flags = { 'user.name.first': '--firstname', 'user.name': '--name', 'ageRange.from': '--agefrom', 'ageRange.to_included': '--ageto' };

  test('field paths become the flags the user typed; longest first; whole paths only', () => {
    expect(new StatusError('user.name.first must be at most 100 characters').withFieldNames(flags).message).toBe('--firstname must be at most 100 characters');
    expect(new StatusError('ageRange.from (5) must not be greater than ageRange.to_included (3)').withFieldNames(flags).message).toBe(
      '--agefrom (5) must not be greater than --ageto (3)',
    );
    expect(new StatusError('xuser.name.firstly').withFieldNames(flags).message).toBe('xuser.name.firstly');
  });

  test('keeps the debug lines', () => {
    expect(new StatusError('m', ['status code: FAILED']).withFieldNames(flags).debug).toEqual(['status code: FAILED']);
  });
});
