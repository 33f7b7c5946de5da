import type { UserService } from '../domain/user-service';
import type { User } from '../domain/user';
import { ECHO_LIMIT, escape } from '../shared/quote';
import { SampleUsersError } from './sample-users-file';

/**
 * Creates the given users through the service, so they obey every domain
 * rule, all in one transaction: a server stopped midway leaves none of them,
 * and the next start loads them again. The first refused user stops loading
 * with a one-line error naming it, except a conflict with a user already
 * stored: another replica loading the same samples into the same (shared)
 * store at the same time. Returns how many users this load created.
 */
export async function loadSampleUsers(service: UserService, users: User[], source: string): Promise<number> {
  const outcome = await service.createAll(users);
  if (!outcome.ok) {
    const { email } = users[outcome.index];
    // Counted from 1, as users-cli create --from-file counts.
    const hint = outcome.failure.kind === 'full' ? ' (raise --max-users, or --samples=false)' : '';
    throw new SampleUsersError(`${source}: user ${outcome.index + 1} (${email ? escape(email, ECHO_LIMIT) : 'no email'}): ${outcome.failure.message}${hint}`);
  }
  return outcome.outcomes.filter((created) => created.ok).length;
}
