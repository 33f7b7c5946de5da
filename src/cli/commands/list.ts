import type { RemoteCommand } from '../command';

export const listCommand: RemoteCommand<void> = {
  kind: 'remote',
  name: 'list',
  describe: 'print every user, sorted by email',
  options: {},
  examples: [
    ['$0 list', 'one line per user'],
    ['$0 list -o table --no-headers', 'a table, without the header row'],
    ['$0 list -ojsonl | jq -r .email', 'one JSON object a line'],
  ],
  input: () => undefined,
  async run(connection, output) {
    const response = await connection.users.list({});
    output.users(response.users);
  },
};
