import { ClientError, Status } from 'nice-grpc';
import {
  HealthCheckResponse,
  HealthCheckResponse_ServingStatus,
  healthCheckResponse_ServingStatusToJSON,
} from '../../../gen/grpc/health/v1/health';
import { CliError } from '../cli-error';
import type { RemoteCommand } from '../command';
import { resolveHealthInput } from '../config';
import { quote } from '../../shared/quote';

export const healthCommand: RemoteCommand<ReturnType<typeof resolveHealthInput>> = {
  kind: 'remote',
  command: 'health',
  describe: 'check grpc.health.v1 and print the status; exit 0 only when SERVING',
  builder: (yargs) =>
    yargs.option('service', { type: 'string', describe: 'service to check, e.g. user.UserService [default: "", the whole server]' }),
  input: resolveHealthInput,
  async run(connection, output, { service }) {
    let response: HealthCheckResponse;
    try {
      response = await connection.health.check({ service });
    } catch (error) {
      if (error instanceof ClientError && error.code === Status.NOT_FOUND) {
        throw new CliError(`the server has no health status for service ${quote(service)}`, [`gRPC status: NOT_FOUND: ${error.details}`]);
      }
      throw error;
    }
    output.result(healthCheckResponse_ServingStatusToJSON(response.status), HealthCheckResponse.toJSON(response));
    return response.status === HealthCheckResponse_ServingStatus.SERVING ? 0 : 1;
  },
};
