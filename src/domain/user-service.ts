import { randomUUID } from 'node:crypto';
import type { InsertResult, UserRecord, UserRepository } from '../repository/user-repository';
import { LIMITS } from './limits';
import { conflict, invalid, notFound, success, type Outcome } from './result';
import { exceedsCodePoints } from './code-points';
import { canonicalEmail, emailKey } from './email-key';
import { foldForSearch } from './text-folding';
import { ECHO_LIMIT, escape } from '../shared/quote';
import type { NewUser, User } from './user';
import { toUserRecord } from './user-record';
import { validateNewUser } from './user-validation';

export interface AgeRange {
  from: number;
  toIncluded: number;
}

/** The domain rules of the directory: validation, normalisation and ordering. */
export class UserService {
  constructor(
    private readonly repository: UserRepository,
    private readonly newId: () => string = randomUUID,
  ) {}

  async create(input: NewUser | undefined): Promise<Outcome<User>> {
    if (!input) return invalid('user is required');
    const user = normalise(input);
    const problem = validateNewUser(user);
    if (problem) return invalid(problem);
    const stored = { ...user, email: canonicalEmail(user.email), id: user.id || this.newId() };
    const result = await this.repository.insert(toUserRecord(stored));
    if (!result.inserted) return conflict(refusal(result, stored));
    return success(stored);
  }

  async getByEmail(rawEmail: string): Promise<Outcome<User>> {
    const email = rawEmail.trim();
    if (email === '') return invalid('email cannot be empty');
    // Checked before the key is computed: NFKC may grow a string 18 times.
    if (exceedsCodePoints(email, LIMITS.emailLength)) return invalid(`email must be at most ${LIMITS.emailLength} characters`);
    const user = await this.repository.findByEmailKey(emailKey(email));
    // The Go service's wording, with the email escaped and cut: it goes back to the client.
    return user ? success(user) : notFound(`the email ${escape(email, ECHO_LIMIT)} cannot be found`);
  }

  async list(): Promise<Outcome<User[]>> {
    return success(users(await this.repository.list(undefined, EVERYTHING)));
  }

  async searchName(rawQuery: string): Promise<Outcome<User[]>> {
    // The limit is on what was sent, checked before folding: folding may
    // grow a character 18 times (U+FDFA), but never past 18 × the limit.
    const trimmed = rawQuery.trim();
    if (exceedsCodePoints(trimmed, LIMITS.nameQueryLength)) {
      return invalid(`name query must be at most ${LIMITS.nameQueryLength} characters`);
    }
    const query = foldForSearch(trimmed);
    if (query === '') return invalid('name query cannot be empty');
    return success(users(await this.repository.searchName(query, undefined, EVERYTHING)));
  }

  async searchAge(range: AgeRange | undefined): Promise<Outcome<User[]>> {
    if (!range) return invalid('ageRange is required');
    if (range.from > range.toIncluded) {
      return invalid(`ageRange.from (${range.from}) must not be greater than ageRange.to_included (${range.toIncluded})`);
    }
    return success(users(await this.repository.searchAge(range.from, range.toIncluded, undefined, EVERYTHING)));
  }

  async count(): Promise<number> {
    return this.repository.count();
  }
}

/** Surrounding white space is never meaningful in a field: it is trimmed before validation. */
function normalise(user: NewUser): NewUser {
  return {
    id: user.id.trim(),
    age: user.age,
    firstName: user.firstName.trim(),
    lastName: user.lastName.trim(),
    email: user.email.trim(),
    phone: user.phone.trim(),
    address: user.address.trim(),
  };
}

const EVERYTHING = Number.MAX_SAFE_INTEGER;

function users(records: UserRecord[]): User[] {
  return records.map((record) => record.user);
}

function refusal(result: Exclude<InsertResult, { inserted: true }>, user: User): string {
  switch (result.reason) {
    case 'email-taken':
      return 'email already exists';
    case 'id-taken':
      return `id ${user.id} already exists`;
    case 'full':
      return `the directory is full (${result.capacity} users)`;
  }
}
