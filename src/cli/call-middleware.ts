import { Status, type ClientMiddleware } from 'nice-grpc-common';
import { Status_StatusCode, status_StatusCodeToJSON, type Status as UserStatus } from '../../gen/user/user';
import { oneLine } from '../shared/quote';
import { callError, StatusError } from './cli-error';
import { probeConnection } from './connection-probe';
import type { ConnectionConfig } from './settings';

/**
 * user.UserService answers outcomes in a `status` field of a successful
 * response: anything but SUCCESS becomes a StatusError with the server's
 * message, here, once for every command.
 */
export const userStatusMiddleware: ClientMiddleware = async function* userStatus(call, options) {
  const response = yield* call.next(call.request, options);
  const status = (response as { status?: UserStatus } | undefined)?.status;
  if (call.method.path.startsWith('/user.UserService/') && status?.code !== Status_StatusCode.SUCCESS) {
    const code = status_StatusCodeToJSON(status?.code ?? Status_StatusCode.FAILED);
    // The server's words, on one line whatever they hold (it may echo a client's control characters).
    throw new StatusError(oneLine(status?.msg ?? '') || `the server answered ${code}`, [`status code: ${code}`]);
  }
  return response;
};

/** A failed call becomes a one-line CliError; an unreachable server is probed for the reason first. */
export function callErrorMiddleware(config: ConnectionConfig): ClientMiddleware {
  return async function* callErrors(call, options) {
    try {
      return yield* call.next(call.request, options);
    } catch (error) {
      const unavailable = (error as { code?: unknown }).code === Status.UNAVAILABLE;
      throw callError(error, config, unavailable ? await probeConnection(config, Math.min(config.timeoutMs, 5000)) : undefined);
    }
  };
}
