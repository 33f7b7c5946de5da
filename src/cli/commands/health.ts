import { Status } from 'nice-grpc-common';
import { quote } from '../../shared/quote';
import { stringArg } from '../args';
import { CliError } from '../cli-error';
import type { RemoteCommand } from '../command';

export const healthCommand: RemoteCommand<{ service: string }> = {
  kind: 'remote',
  name: 'health',
  describe: 'check grpc.health.v1 and print the status; exit 0 only when SERVING',
  options: {
    service: { type: 'string', describe: 'service to check, e.g. user.UserService', defaultDescription: '"", the whole server' },
  },
  examples: [
    ['$0 health', 'the whole server'],
    ['$0 health -q', 'only the exit code'],
    // No description: an example wider than its column would wrap, and break copy and paste.
    ['$0 health --service=user.UserService', ''],
  ],
  // "" is the whole server, as grpc-health-probe and Kubernetes ask.
  input: (args) => ({ service: stringArg(args, 'service') ?? '' }),
  async run(connection, output, { service }) {
    let status: string;
    try {
      status = await connection.checkHealth(service);
    } catch (error) {
      if (error instanceof CliError && error.grpcCode === Status.NOT_FOUND) {
        throw new CliError(`the server has no health status for service ${quote(service)}`, error.debug);
      }
      throw error;
    }
    output.result(status, { status });
    return status === 'SERVING' ? 0 : 1;
  },
};
