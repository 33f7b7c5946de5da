import type { User } from '../../../gen/user/user';
import { ConfigError } from '../../shared/config-error';
import { stringsArg } from '../args';
import { StatusError } from '../cli-error';
import type { RemoteCommand } from '../command';

export const getCommand: RemoteCommand<{ emails: string[] }> = {
  kind: 'remote',
  name: 'get',
  positionals: '<email..>',
  describe: 'print the users with these emails (case-insensitive); exit 1 if one is missing',
  options: {},
  configure: (yargs) => yargs.positional('email', { type: 'string', describe: 'email addresses of users', default: undefined }),
  examples: [
    ['$0 get mael.valadier@example.com', 'one user'],
    ['$0 get a@x.io b@x.io -o json', 'several: a JSON array'],
    ['$0 get a@x.io -q && echo found', 'the exit code only'],
  ],
  input(args) {
    const emails = stringsArg(args, 'email');
    if (emails.length === 0 || emails.some((email) => email.trim() === '')) throw new ConfigError('get needs an EMAIL, e.g. users-cli get alice@example.com');
    return { emails };
  },
  async run(connection, output, { emails }, { stderr }) {
    const results = await Promise.all(
      emails.map((email) =>
        connection.users.getByEmail({ email }).then(
          (response) => response.user as User,
          (error: unknown) => {
            // One missing email among several: say which, and go on with the others.
            if (error instanceof StatusError && emails.length > 1) return error;
            throw error;
          },
        ),
      ),
    );
    const found = results.filter((result): result is User => !(result instanceof StatusError));
    if (emails.length === 1) output.user(found[0]);
    else output.users(found);
    const missing = results.filter((result): result is StatusError => result instanceof StatusError);
    for (const error of missing) stderr.write(`users-cli: ${error.message}\n`);
    return missing.length > 0 ? 1 : 0;
  },
};
