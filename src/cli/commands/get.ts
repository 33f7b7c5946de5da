import { Status_StatusCode } from '../../../gen/user/user';
import { statusError } from '../cli-error';
import type { RemoteCommand } from '../command';
import { resolveGetInput } from '../config';

export const getCommand: RemoteCommand<ReturnType<typeof resolveGetInput>> = {
  kind: 'remote',
  command: 'get [email]',
  describe: 'print the user with this email (case-insensitive)',
  builder: (yargs) => yargs.positional('email', { type: 'string', describe: 'email address of the user' }),
  input: resolveGetInput,
  async run(connection, output, { email }) {
    const response = await connection.users.getByEmail({ email });
    if (response.status?.code !== Status_StatusCode.SUCCESS || !response.user) throw statusError(response.status);
    output.user(response.user);
  },
};
