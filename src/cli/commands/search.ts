import { Status_StatusCode } from '../../../gen/user/user';
import { statusError } from '../cli-error';
import type { RemoteCommand } from '../command';
import { resolveSearchInput, type SearchInput } from '../config';

export const searchCommand: RemoteCommand<SearchInput> = {
  kind: 'remote',
  command: 'search',
  describe: 'print the users matching --name, or --agefrom and --ageto',
  builder: (yargs) =>
    yargs
      .option('name', { type: 'string', describe: 'part of a first or last name; case and accents are ignored' })
      .option('agefrom', { type: 'string', describe: 'lowest age, with --ageto' })
      .option('ageto', { type: 'string', describe: 'highest age (included), with --agefrom' })
      .example('$0 search --name=mael', 'finds Maël')
      .example('$0 search --agefrom=30 --ageto=42', ''),
  input: resolveSearchInput,
  async run(connection, output, query) {
    const response =
      query.by === 'name'
        ? await connection.users.searchName({ query: query.name })
        : await connection.users.searchAge({ ageRange: { from: query.from, toIncluded: query.toIncluded } });
    if (response.status?.code !== Status_StatusCode.SUCCESS) throw statusError(response.status);
    output.users(response.users);
  },
};
