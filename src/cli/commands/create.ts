import { Status_StatusCode } from '../../../gen/user/user';
import { statusError } from '../cli-error';
import type { RemoteCommand } from '../command';
import { resolveCreateInput } from '../config';

export const createCommand: RemoteCommand<ReturnType<typeof resolveCreateInput>> = {
  kind: 'remote',
  command: 'create',
  describe: 'create a user, then print it (with its id under -o json)',
  builder: (yargs) =>
    yargs
      .option('email', { type: 'string', describe: 'email address (required, unique)' })
      .option('firstname', { type: 'string', describe: 'first name' })
      .option('lastname', { type: 'string', describe: 'last name' })
      .option('age', { type: 'string', describe: 'age in years, 0 to 150', defaultDescription: '0' })
      .option('postaladdress', { type: 'string', describe: 'postal address' })
      .option('phone', { type: 'string', describe: 'phone number' })
      .example('$0 create --email=jane.doe@example.com --firstname=Jane --lastname=Doe --age=42', ''),
  input: resolveCreateInput,
  async run(connection, output, user) {
    const response = await connection.users.create({ user });
    if (response.status?.code !== Status_StatusCode.SUCCESS || !response.user) throw statusError(response.status);
    output.user(response.user);
  },
};
