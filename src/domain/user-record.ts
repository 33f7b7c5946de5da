import type { UserRecord } from '../repository/user-repository';
import { emailKey } from './email-key';
import { foldForSearch } from './text-folding';
import type { User } from './user';

/** The user with the keys the domain derives from it; repositories store them, never compute them. */
export function toUserRecord(user: User): UserRecord {
  return {
    user,
    emailKey: emailKey(user.email),
    foldedFirstName: foldForSearch(user.firstName),
    foldedLastName: foldForSearch(user.lastName),
  };
}
