import type { RemoteCommand } from '../command';
import { fetchPages, PAGING_OPTIONS, pagingInput, type PagingInput } from '../paging';

export const listCommand: RemoteCommand<PagingInput> = {
  kind: 'remote',
  name: 'list',
  describe: 'print every user, sorted by email',
  options: PAGING_OPTIONS,
  examples: [
    ['$0 list', 'one line per user'],
    ['$0 list --limit=10', 'the first ten users by email'],
    ['$0 list -o table --no-headers', 'a table, without the header row'],
    ['$0 list -ojsonl | jq -r .email', 'one JSON object a line'],
  ],
  input: (args, { argv }) => pagingInput(args, argv),
  async run(connection, output, paging) {
    await output.pagedUsers(fetchPages((page) => connection.users.list(page), paging));
  },
};
