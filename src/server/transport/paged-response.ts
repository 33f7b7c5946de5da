import { SearchResp, Status, Status_StatusCode, type User as WireUser } from '../../../gen/user/user';
import { invalid, type Failure, type Outcome } from '../../domain/result';
import { MAX_PAGE_TOKEN_LENGTH } from '../../domain/page-token';
import type { Page, PageRequest } from '../../domain/user-service';
import { encodedSize, lengthDelimitedSize } from './encoded-size';
import { failureStatus, SUCCESS_STATUS, toWireUser } from './user-mapping';
import { messageDescriptor } from './wire-types';

const USER = messageDescriptor('user.User')!;

/** The server's bounds on a page (--max-page-size, --max-response-bytes). */
export interface PagingLimits {
  maxPageSize: number;
  /** No SearchResp is larger once encoded; below the 4 MiB every gRPC client accepts by default. */
  maxResponseBytes: number;
}

/** The paging fields of ListReq, SearchNameReq and SearchAgeReq. */
export interface PagedRequest {
  pageSize: number;
  pageToken: string;
}

/**
 * Answers a paged request within the byte budget. page_size 0 (every client
 * older than paging) gets the whole answer when it fits, as before paging;
 * otherwise the first part that fits, PARTIAL_SUCCESS and next_page_token,
 * never a message its client would refuse. A positive page_size is capped at
 * maxPageSize, and a page the budget cuts short is still SUCCESS: a short page
 * with a next_page_token is ordinary paging.
 *
 * Sizes are exact: each user is counted as it will go on the wire
 * (encoded-size.ts), and room is kept for the largest status and token this
 * answer can carry.
 */
export async function pagedResponse(
  request: PagedRequest,
  limits: PagingLimits,
  fetch: (page: PageRequest) => Promise<Outcome<Page>>,
): Promise<SearchResp> {
  if (request.pageSize < 0) return failedResponse(invalid(`page_size must not be negative, got ${request.pageSize}`));
  const oldClient = request.pageSize === 0;
  const wanted = oldClient ? Infinity : Math.min(request.pageSize, limits.maxPageSize);
  const partial = partialStatus(limits);
  const room = limits.maxResponseBytes - fieldSize(Status.encode(partial).finish().length) - fieldSize(MAX_PAGE_TOKEN_LENGTH);
  const users: WireUser[] = [];
  let used = 0;
  let token = request.pageToken;
  for (;;) {
    const outcome = await fetch({ size: Math.min(wanted - users.length, limits.maxPageSize), token });
    if (!outcome.ok) return failedResponse(outcome);
    const page = outcome.value;
    for (const [index, user] of page.users.entries()) {
      const wireUser = toWireUser(user);
      const size = fieldSize(encodedSize(USER, wireUser));
      // One user always goes, so that paging moves on whatever the budget.
      if (used + size > room && users.length > 0) {
        const nextPageToken = index === 0 ? token : page.tokenAfter(index - 1);
        return { status: oldClient ? partial : SUCCESS_STATUS, users, nextPageToken };
      }
      users.push(wireUser);
      used += size;
    }
    token = page.nextPageToken;
    if (token === '' || users.length >= wanted) return { status: SUCCESS_STATUS, users, nextPageToken: token };
  }
}

export function failedResponse(failure: Failure): SearchResp {
  return { status: failureStatus(failure), users: [], nextPageToken: '' };
}

function partialStatus(limits: PagingLimits): Status {
  return {
    code: Status_StatusCode.PARTIAL_SUCCESS,
    msg:
      `the answer is larger than ${limits.maxResponseBytes} bytes, and these are its first users: ` +
      `call again with page_token set to next_page_token for the next part, or page with page_size (at most ${limits.maxPageSize})`,
  };
}

/** A length-delimited field of SearchResp: tag (fields 1 to 15 take one byte), then its length and bytes. */
function fieldSize(length: number): number {
  return 1 + lengthDelimitedSize(length);
}
