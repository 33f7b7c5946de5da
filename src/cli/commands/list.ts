import { Status_StatusCode } from '../../../gen/user/user';
import { statusError } from '../cli-error';
import type { RemoteCommand } from '../command';

export const listCommand: RemoteCommand<void> = {
  kind: 'remote',
  command: 'list',
  describe: 'print every user, sorted by email',
  input: () => undefined,
  async run(connection, output) {
    const response = await connection.users.list({});
    if (response.status?.code !== Status_StatusCode.SUCCESS) throw statusError(response.status);
    output.users(response.users);
  },
};
