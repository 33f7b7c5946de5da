import { ConfigError } from '../../shared/config-error';
import { int32Arg, stringArg, type RawArgs } from '../args';
import type { RemoteCommand } from '../command';
import { fetchPages, PAGING_OPTIONS, pagingInput, type PagingInput } from '../paging';

export type SearchInput = { by: 'name'; name: string } | { by: 'age'; from: number; toIncluded: number };

export const searchCommand: RemoteCommand<SearchInput & { paging: PagingInput }> = {
  kind: 'remote',
  name: 'search',
  describe: 'print the users matching --name, or --agefrom and --ageto',
  options: {
    name: { type: 'string', describe: 'part of a first or last name; case and accents are ignored' },
    agefrom: { type: 'number', describe: 'lowest age, with --ageto' },
    ageto: { type: 'number', describe: 'highest age (included), with --agefrom' },
    ...PAGING_OPTIONS,
  },
  // Exactly one of the two searches; a lone age bound is said by searchInput, after this (yargs checks implies first).
  configure: (yargs) => yargs.conflicts('name', ['agefrom', 'ageto']),
  fieldFlags: { 'ageRange.from': '--agefrom', 'ageRange.to_included': '--ageto', 'ageRange.toIncluded': '--ageto', 'name query': '--name' },
  examples: [
    ['$0 search --name=mael', 'finds Maël'],
    ['$0 search --agefrom=30 --ageto=42', 'ages 30 to 42, youngest first'],
    ['$0 search --name=an -o table', 'as a table'],
    ['$0 search --name=an --limit=5', 'the first five'],
  ],
  input(args, { argv }) {
    return { ...searchInput(args, argv), paging: pagingInput(args, argv) };
  },
  async run(connection, output, query) {
    const pages = fetchPages(
      (page) =>
        query.by === 'name'
          ? connection.users.searchName({ query: query.name, ...page })
          : connection.users.searchAge({ ageRange: { from: query.from, toIncluded: query.toIncluded }, ...page }),
      query.paging,
    );
    await output.pagedUsers(pages);
  },
};

function searchInput(args: RawArgs, argv: readonly string[]): SearchInput {
  const name = stringArg(args, 'name');
  if (name !== undefined) {
    if (name.trim() === '') throw new ConfigError('invalid --name "": expected part of a name');
    return { by: 'name', name };
  }
  const from = int32Arg(args, 'agefrom', argv);
  const to = int32Arg(args, 'ageto', argv);
  if (from !== undefined && to === undefined) throw new ConfigError('--agefrom needs --ageto too');
  if (to !== undefined && from === undefined) throw new ConfigError('--ageto needs --agefrom too');
  if (from === undefined || to === undefined) throw new ConfigError('search needs --name=PART, or --agefrom=N and --ageto=M');
  return { by: 'age', from, toIncluded: to };
}
