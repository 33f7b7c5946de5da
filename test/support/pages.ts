import type { Failure, Outcome } from '../../src/domain/result';
import type { User } from '../../src/domain/user';
import type { Page, PageRequest } from '../../src/domain/user-service';

/** A first page large enough for the users of a unit test. */
export const FIRST_PAGE: PageRequest = { size: 1000, token: '' };

/** The users of a page, or the failure. */
export function pageUsers(outcome: Outcome<Page>): User[] | Failure {
  return outcome.ok ? outcome.value.users : outcome;
}
