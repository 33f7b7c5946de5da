import type { SearchResp, User } from '../../gen/user/user';
import { ConfigError } from '../shared/config-error';
import { quote } from '../shared/quote';
import { int32Arg, type RawArgs } from './args';
import { CliError } from './cli-error';
import type { CliOption } from './global-options';

/** How `list` and `search` page through the answer. */
export interface PagingInput {
  /** Users asked for in each call; the server may lower it (its --max-page-size). */
  pageSize: number;
  /** Stop after this many users; undefined: all of them. */
  limit?: number;
}

export const DEFAULT_PAGE_SIZE = 1000;
/**
 * Empty pages in a row, each with a next token, after which paging stops: a
 * page may be empty (its users deleted meanwhile, a filter that skips them),
 * but not one after another without end.
 */
export const MAX_EMPTY_PAGES = 100;

export const PAGING_OPTIONS: Record<string, CliOption> = {
  limit: { type: 'number', describe: 'print at most this many users', defaultDescription: 'all' },
  'page-size': { type: 'number', describe: 'users fetched per call; the server may lower it', defaultDescription: String(DEFAULT_PAGE_SIZE) },
};

export function pagingInput(args: RawArgs, argv: readonly string[]): PagingInput {
  return { pageSize: positiveArg(args, 'page-size', argv) ?? DEFAULT_PAGE_SIZE, limit: positiveArg(args, 'limit', argv) };
}

function positiveArg(args: RawArgs, name: string, argv: readonly string[]): number | undefined {
  const value = int32Arg(args, name, argv);
  if (value !== undefined && value < 1) throw new ConfigError(`invalid --${name} ${quote(String(value))}: expected a whole number from 1`);
  return value;
}

/**
 * The pages of a List or Search, one call each, following next_page_token
 * until it is empty or the limit is reached. Only the page being printed is
 * held, so paging through any number of users takes constant memory. (The
 * client's status middleware has already turned a failed page into an error.)
 */
export async function* fetchPages(
  call: (page: { pageSize: number; pageToken: string }) => Promise<SearchResp>,
  { pageSize, limit = Infinity }: PagingInput,
): AsyncGenerator<User[]> {
  let left = limit;
  let pageToken = '';
  // A token sent before would ask for pages already printed, maybe forever (A, B, A...): a few
  // bytes a page, while the pages themselves are not kept.
  const sent = new Set<string>();
  let emptyPages = 0;
  do {
    sent.add(pageToken);
    const response = await call({ pageSize: Math.min(pageSize, left), pageToken });
    // A server older than paging answers everything at once, with no token: that ends it too.
    const users = response.users.slice(0, left);
    left -= users.length;
    yield users;
    if (response.nextPageToken !== '' && sent.has(response.nextPageToken) && left > 0) {
      throw new CliError(`the server sent page token ${quote(response.nextPageToken, 40)} again: paging stopped (a server bug)`);
    }
    // Ever new tokens with nothing in their pages would be asked for without end.
    emptyPages = users.length === 0 ? emptyPages + 1 : 0;
    if (response.nextPageToken !== '' && emptyPages >= MAX_EMPTY_PAGES) {
      throw new CliError(`the server sent ${MAX_EMPTY_PAGES} empty pages in a row, each with a next page token: paging stopped (a server bug)`);
    }
    pageToken = response.nextPageToken;
  } while (pageToken !== '' && left > 0);
}
