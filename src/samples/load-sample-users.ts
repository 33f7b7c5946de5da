import type { UserService } from '../domain/user-service';
import type { User } from '../domain/user';
import { SamplesFileError } from './sample-users-file';

/**
 * Creates the given users through the service, so they obey every domain rule.
 * The first refused user stops loading with a one-line error naming it.
 */
export async function loadSampleUsers(service: UserService, users: User[], source: string): Promise<number> {
  for (const [index, user] of users.entries()) {
    const outcome = await service.create(user);
    if (!outcome.ok) throw new SamplesFileError(`${source}: entry ${index} (${user.email || 'no email'}): ${outcome.message}`);
  }
  return users.length;
}
