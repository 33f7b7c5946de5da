import { ConfigError } from '../../shared/config-error';
import { int32Arg, stringArg } from '../args';
import type { RemoteCommand } from '../command';

export type SearchInput = { by: 'name'; name: string } | { by: 'age'; from: number; toIncluded: number };

export const searchCommand: RemoteCommand<SearchInput> = {
  kind: 'remote',
  name: 'search',
  describe: 'print the users matching --name, or --agefrom and --ageto',
  options: {
    name: { type: 'string', describe: 'part of a first or last name; case and accents are ignored' },
    agefrom: { type: 'number', describe: 'lowest age, with --ageto' },
    ageto: { type: 'number', describe: 'highest age (included), with --agefrom' },
  },
  // Exactly one of the two searches.
  configure: (yargs) => yargs.conflicts('name', ['agefrom', 'ageto']).implies('agefrom', 'ageto').implies('ageto', 'agefrom'),
  fieldFlags: { 'ageRange.from': '--agefrom', 'ageRange.to_included': '--ageto', 'ageRange.toIncluded': '--ageto', 'name query': '--name' },
  examples: [
    ['$0 search --name=mael', 'finds Maël'],
    ['$0 search --agefrom=30 --ageto=42', 'ages 30 to 42, youngest first'],
    ['$0 search --name=an -o table', 'as a table'],
  ],
  input(args, { argv }) {
    const name = stringArg(args, 'name');
    if (name !== undefined) {
      if (name.trim() === '') throw new ConfigError('invalid --name "": expected part of a name');
      return { by: 'name', name };
    }
    const from = int32Arg(args, 'agefrom', argv);
    const to = int32Arg(args, 'ageto', argv);
    if (from === undefined || to === undefined) throw new ConfigError('search needs --name=PART, or --agefrom=N and --ageto=M');
    return { by: 'age', from, toIncluded: to };
  },
  async run(connection, output, query) {
    const response =
      query.by === 'name'
        ? await connection.users.searchName({ query: query.name })
        : await connection.users.searchAge({ ageRange: { from: query.from, toIncluded: query.toIncluded } });
    output.users(response.users);
  },
};
