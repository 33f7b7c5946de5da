import { tlsHandshakeRefusal } from '../../src/server/transport/http2-refusals';

const error = (code: string | undefined, message: string, reason?: string) => Object.assign(new Error(message), { code, reason });
const noAuthorizationError = { authorizationError: null as unknown as Error };

test.each<[string, ReturnType<typeof error>, string, string]>([
  ['bytes that are not TLS', error('ERR_SSL_WRONG_VERSION_NUMBER', 'x:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:file.c:1:\n', 'wrong version number'), 'ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'],
  ['a client that does not trust our certificate (its alert)', error('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'long\nmessage', 'tlsv1 alert unknown ca'), 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tlsv1 alert unknown ca'],
  ['an OpenSSL error without its reason: the message, on one line', error('ERR_SSL_SOMETHING', 'line one\nline two'), 'ERR_SSL_SOMETHING', 'line one\\nline two'],
  ['a handshake that never ends (tls.Server handshakeTimeout)', error('ERR_TLS_HANDSHAKE_TIMEOUT', 'TLS handshake timeout'), 'ERR_TLS_HANDSHAKE_TIMEOUT', 'TLS handshake timeout'],
])('%s: tls_handshake_failed, with its code', (_what, tlsError, errorCode, details) => {
  expect(tlsHandshakeRefusal(tlsError, noAuthorizationError)).toEqual({ reason: 'tls_handshake_failed', method: '', errorCode, details });
});

test('a client certificate Node refused after the handshake (mTLS): named by its verification error, whatever the socket error', () => {
  const socket = { authorizationError: 'CERT_HAS_EXPIRED' as unknown as Error };
  expect(tlsHandshakeRefusal(error('ECONNRESET', 'socket hang up'), socket)).toEqual({
    reason: 'tls_handshake_failed',
    method: '',
    errorCode: 'CERT_HAS_EXPIRED',
    details: 'client certificate refused',
  });
});

test.each([
  ['a TCP probe or a client that hangs up', error('ECONNRESET', 'socket hang up')],
  ['a reset mid-handshake', error('ECONNRESET', 'read ECONNRESET')],
  ['a broken pipe', error('EPIPE', 'write EPIPE')],
  ['an error without a code', error(undefined, 'something')],
])('%s: not counted', (_what, tlsError) => {
  expect(tlsHandshakeRefusal(tlsError, noAuthorizationError)).toBeUndefined();
});
