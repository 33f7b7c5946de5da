import { ClientError, Status } from 'nice-grpc';
import { Status_StatusCode } from '../../gen/user/user';
import { callError, CliError, statusError } from '../../src/cli/cli-error';
import type { ConnectionConfig } from '../../src/cli/config';

// Details as grpc-js 1.14 words them, captured from real failed connections.
const lastError = (error: string) => `No connection established. Last error: ${error}. Resolution note: `;

const plaintext: ConnectionConfig = { address: '127.0.0.1:8443', addressSource: '--address', timeoutMs: 300, timeoutText: '300ms' };
const tls: ConnectionConfig = { ...plaintext, tls: {} };
const mtls: ConnectionConfig = { ...plaintext, tls: { clientCert: { cert: Buffer.from(''), key: Buffer.from('') } } };

function message(code: Status, details: string, connection = plaintext): string {
  const error = callError(new ClientError('/user.UserService/List', code, details), connection);
  expect(error).toBeInstanceOf(CliError);
  return (error as CliError).message;
}

describe('callError', () => {
  test('refused connection: the address and the reason', () => {
    expect(message(Status.UNAVAILABLE, lastError('Error: connect ECONNREFUSED 127.0.0.1:8443'))).toBe(
      'cannot reach 127.0.0.1:8443: connect ECONNREFUSED 127.0.0.1:8443',
    );
  });

  test('unknown host', () => {
    expect(message(Status.UNAVAILABLE, 'Name resolution failed for target dns:nosuch.invalid:80')).toBe('cannot reach 127.0.0.1:8443: cannot resolve the host name');
  });

  test('deadline: the address and the timeout', () => {
    expect(message(Status.DEADLINE_EXCEEDED, 'Deadline exceeded')).toBe('127.0.0.1:8443 did not answer within 300ms (see --timeout)');
  });

  test('server certificate from an unknown CA', () => {
    expect(message(Status.UNAVAILABLE, lastError('Error: unable to verify the first certificate'), tls)).toBe(
      'cannot reach 127.0.0.1:8443: TLS: the server certificate is not trusted (unable to verify the first certificate): give its CA with --cacert',
    );
    expect(message(Status.UNAVAILABLE, lastError('Error: self-signed certificate in certificate chain'), tls)).toBe(
      'cannot reach 127.0.0.1:8443: TLS: the server certificate is not trusted (self-signed certificate in certificate chain): give its CA with --cacert',
    );
  });

  test('wrong server name', () => {
    const details = lastError(
      "Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: Host: wrong.example. is not in the cert's altnames: DNS:localhost, IP Address:127.0.0.1",
    );
    expect(message(Status.UNAVAILABLE, details, tls)).toBe(
      'cannot reach 127.0.0.1:8443: TLS: the server certificate is not valid for wrong.example (it is for DNS:localhost, IP Address:127.0.0.1): see --servername',
    );
    const ipDetails = lastError("Error [ERR_TLS_CERT_ALTNAME_INVALID]: IP: 10.0.0.1 is not in the cert's list: DNS:localhost");
    expect(message(Status.UNAVAILABLE, ipDetails, tls)).toBe(
      'cannot reach 127.0.0.1:8443: TLS: the server certificate is not valid for 10.0.0.1 (it is for DNS:localhost): see --servername',
    );
  });

  test('no client certificate for an mTLS server: the OpenSSL alert, made readable', () => {
    const details = lastError(
      '800CC265A97F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116\n (2026-11-26T21:57:41.009Z)',
    );
    expect(message(Status.UNAVAILABLE, details, tls)).toBe('cannot reach 127.0.0.1:8443: TLS: the server requires a client certificate: give one with --cert and --key');
  });

  test('client certificate refused with an alert', () => {
    const details = lastError('80AC:error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:../ssl/record/rec_layer_s3.c:1605:SSL alert number 48');
    expect(message(Status.UNAVAILABLE, details, mtls)).toBe(
      'cannot reach 127.0.0.1:8443: TLS: the server refused the client certificate (tlsv1 alert unknown ca): is it signed by a CA the server trusts?',
    );
  });

  test('a connection closed without a word: the likely cause depends on what was tried', () => {
    const closed = lastError('Failed to connect (2026-11-26T21:57:41.242Z)');
    expect(message(Status.UNAVAILABLE, closed, mtls)).toBe(
      'cannot reach 127.0.0.1:8443: the server closed the connection after the TLS handshake: does it trust the CA of the client certificate (--cert)?',
    );
    expect(message(Status.UNAVAILABLE, lastError('Error: read ECONNRESET'), mtls)).toBe(
      'cannot reach 127.0.0.1:8443: the server closed the connection after the TLS handshake: does it trust the CA of the client certificate (--cert)?',
    );
    expect(message(Status.UNAVAILABLE, closed, tls)).toBe(
      'cannot reach 127.0.0.1:8443: the server closed the connection after the TLS handshake: does it require a client certificate (--cert, --key)?',
    );
    expect(message(Status.UNAVAILABLE, closed, plaintext)).toBe('cannot reach 127.0.0.1:8443: the server closed the connection (does it expect TLS? see --tls)');
  });

  test('TLS to a plaintext server', () => {
    const details = lastError(
      'Error: 806CE3BF787F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n',
    );
    expect(message(Status.UNAVAILABLE, details, tls)).toBe('cannot reach 127.0.0.1:8443: TLS handshake failed (wrong version number): is the server plaintext? (drop --tls)');
  });

  test('another UNAVAILABLE reason is kept, on one line', () => {
    expect(message(Status.UNAVAILABLE, 'Connection dropped\nby peer')).toBe('cannot reach 127.0.0.1:8443: Connection dropped by peer');
  });

  test('UNIMPLEMENTED: not a users-server', () => {
    expect(message(Status.UNIMPLEMENTED, '')).toBe('127.0.0.1:8443 does not implement user.UserService/List: is it users-server?');
  });

  test("other gRPC errors: the server's message, else the code", () => {
    expect(message(Status.INTERNAL, 'internal error')).toBe('internal error');
    expect(message(Status.PERMISSION_DENIED, '')).toBe('127.0.0.1:8443 answered PERMISSION_DENIED');
  });

  test('debug detail carries the gRPC code and the stack', () => {
    const error = callError(new ClientError('/user.UserService/List', Status.INTERNAL, 'internal error'), plaintext) as CliError;
    expect(error.debug[0]).toBe('gRPC status: INTERNAL on /user.UserService/List: internal error');
    expect(error.debug[1]).toMatch(/^ClientError: \/user\.UserService\/List INTERNAL: internal error\n\s+at /);
  });

  test('anything else is passed through untouched', () => {
    const error = new TypeError('boom');
    expect(callError(error, plaintext)).toBe(error);
  });
});

describe('statusError', () => {
  test("the server's message", () => {
    const error = statusError({ code: Status_StatusCode.FAILED, msg: 'email already exists' });
    expect(error.message).toBe('email already exists');
    expect(error.debug).toEqual(['status code: FAILED']);
  });

  test('the status code when there is no message', () => {
    expect(statusError({ code: Status_StatusCode.NO_IMPL_YET, msg: '' }).message).toBe('the server answered NO_IMPL_YET');
    expect(statusError(undefined).message).toBe('the server answered FAILED');
  });
});
