import type { UserService } from '../domain/user-service';
import { emailKey } from '../domain/email-key';
import type { User } from '../domain/user';
import { ECHO_LIMIT, escape } from '../shared/quote';
import { SamplesFileError } from './sample-users-file';

/**
 * Creates the given users through the service, so they obey every domain rule.
 * The first refused user stops loading with a one-line error naming it, except
 * a conflict with a user this load did not create: another replica loading the
 * same samples into the same (shared) store at the same time. Returns how many
 * users this load created.
 */
export async function loadSampleUsers(service: UserService, users: User[], source: string): Promise<number> {
  const createdEmails = new Set<string>();
  const createdIds = new Set<string>();
  for (const [index, user] of users.entries()) {
    const outcome = await service.create(user);
    if (outcome.ok) {
      createdEmails.add(emailKey(outcome.value.email));
      createdIds.add(outcome.value.id);
      continue;
    }
    const duplicateInSource = createdEmails.has(emailKey(user.email)) || createdIds.has(user.id.trim());
    if (outcome.kind === 'conflict' && !duplicateInSource) continue;
    throw new SamplesFileError(`${source}: entry ${index} (${user.email ? escape(user.email, ECHO_LIMIT) : 'no email'}): ${outcome.message}`);
  }
  return createdEmails.size;
}
