import { randomUUID } from 'node:crypto';
import type { InsertResult, UserRecord, UserRepository } from '../repository/user-repository';
import { LIMITS } from './limits';
import { decodePageToken, encodePageToken, type PagedQuery, type PagePosition } from './page-token';
import { conflict, type Failure, full, invalid, notFound, type Outcome, success } from './result';
import { exceedsCodePoints, TextOverLimit } from './code-points';
import { holdsControlCharacter } from './control-characters';
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

/** Which page to answer. */
export interface PageRequest {
  /** Most users in the page: a positive integer (the transport caps it). */
  size: number;
  /** The previous page's nextPageToken; '' for the first page. */
  token: string;
}

/** A page of users in the query's order. */
export interface Page {
  users: User[];
  /** Resumes after the last user of this page; '' when no user follows it. */
  nextPageToken: string;
  /** Resumes after users[index], for a caller that answers with fewer users than the page holds. */
  tokenAfter(index: number): string;
}

/** What createAll answers: one create outcome per user, or the first user that refused the whole set, by its index. */
export type SetOutcome = { ok: true; outcomes: Outcome<User>[] } | { ok: false; index: number; failure: Failure };

/** The domain rules of the directory: validation, normalisation and ordering. */
export class UserService {
  constructor(
    private readonly repository: UserRepository,
    private readonly newId: () => string = randomUUID,
  ) {}

  async create(input: NewUser | undefined): Promise<Outcome<User>> {
    if (!input) return invalid('user is required');
    const prepared = this.prepare(input);
    if (!prepared.ok) return prepared;
    return answer(await this.repository.insert(toUserRecord(prepared.value)), prepared.value);
  }

  /**
   * Creates a set of users (the sample users) in one transaction: each is
   * judged as create judges it, and nothing is stored unless every one is
   * valid and distinct from the others; a store that fails or dies midway
   * keeps none of them. A user whose email or id a stored user already has
   * (another replica loading the same set) is refused as create refuses it,
   * and the others are stored. Only a bounded store that is full (memory,
   * --max-users) keeps the users that fit before the one refused.
   */
  async createAll(inputs: NewUser[]): Promise<SetOutcome> {
    const records: UserRecord[] = [];
    const emailKeys = new Set<string>();
    const ids = new Set<string>();
    for (const [index, input] of inputs.entries()) {
      const prepared = this.prepare(input);
      if (!prepared.ok) return { ok: false, index, failure: prepared };
      const record = toUserRecord(prepared.value);
      const taken = emailKeys.has(record.emailKey) ? 'email-taken' : ids.has(record.user.id) ? 'id-taken' : undefined;
      if (taken) return { ok: false, index, failure: conflict(refusal({ inserted: false, reason: taken }, record.user)) };
      emailKeys.add(record.emailKey);
      ids.add(record.user.id);
      records.push(record);
    }
    const results = await this.repository.insertAll(records);
    const outcomes = results.map((result, index) => answer(result, records[index].user));
    const index = outcomes.findIndex((outcome) => !outcome.ok && outcome.kind === 'full');
    return index < 0 ? { ok: true, outcomes } : { ok: false, index, failure: outcomes[index] as Failure };
  }

  /** The user as it would be stored (trimmed, canonical email, an id), or why it cannot be. */
  private prepare(input: NewUser): Outcome<User> {
    const user = normalise(input);
    const problem = validateNewUser(user);
    if (problem) return invalid(problem);
    return success({ ...user, email: canonicalEmail(user.email), id: user.id || this.newId() });
  }

  async getByEmail(rawEmail: string | TextOverLimit): Promise<Outcome<User>> {
    const tooLong = invalid(`email must be at most ${LIMITS.emailLength} characters`);
    if (rawEmail instanceof TextOverLimit) {
      rawEmail.assertJudgedAgainst(LIMITS.emailLength);
      return tooLong;
    }
    const email = rawEmail.trim();
    if (email === '') return invalid('email cannot be empty');
    // Checked before the key is computed: NFKC may grow a string 18 times.
    if (exceedsCodePoints(email, LIMITS.emailLength)) return tooLong;
    // No stored email holds a control character: not asked of the store, which may not even take one (U+0000).
    const user = holdsControlCharacter(email) ? undefined : await this.repository.findByEmailKey(emailKey(email));
    // The Go service's wording, with the email escaped and cut: it goes back to the client.
    return user ? success(user) : notFound(`the email ${escape(email, ECHO_LIMIT)} cannot be found`);
  }

  async list(request: PageRequest): Promise<Outcome<Page>> {
    return this.page({ kind: 'list' }, request, (after, limit) => this.repository.list(after?.emailKey, limit));
  }

  async searchName(rawQuery: string | TextOverLimit, request: PageRequest): Promise<Outcome<Page>> {
    // The limit is on what was sent, checked before folding: folding may
    // grow a character 18 times (U+FDFA), but never past 18 × the limit.
    const tooLong = invalid(`name query must be at most ${LIMITS.nameQueryLength} characters`);
    if (rawQuery instanceof TextOverLimit) {
      rawQuery.assertJudgedAgainst(LIMITS.nameQueryLength);
      return tooLong;
    }
    const trimmed = rawQuery.trim();
    if (exceedsCodePoints(trimmed, LIMITS.nameQueryLength)) return tooLong;
    const query = foldForSearch(trimmed);
    if (query === '') return invalid('name query cannot be empty');
    // No stored name holds a control character: the query matches nothing, whatever the store (U+0000 is not SQL text).
    const matchesNothing = holdsControlCharacter(query);
    return this.page({ kind: 'name', foldedQuery: query }, request, async (after, limit) =>
      matchesNothing ? [] : this.repository.searchName(query, after?.emailKey, limit),
    );
  }

  async searchAge(range: AgeRange | undefined, request: PageRequest): Promise<Outcome<Page>> {
    if (!range) return invalid('ageRange is required');
    if (range.from > range.toIncluded) {
      return invalid(`ageRange.from (${range.from}) must not be greater than ageRange.to_included (${range.toIncluded})`);
    }
    const { from, toIncluded } = range;
    return this.page({ kind: 'age', from, toIncluded }, request, (after, limit) =>
      this.repository.searchAge(from, toIncluded, after && { age: after.age!, emailKey: after.emailKey }, limit),
    );
  }

  /**
   * Keyset paging: the token holds the last key answered, and the page is
   * what the repository orders strictly after it. A user present during the
   * whole paging is answered exactly once, whatever is created meanwhile.
   */
  private async page(
    query: PagedQuery,
    request: PageRequest,
    fetch: (after: PagePosition | undefined, limit: number) => Promise<UserRecord[]>,
  ): Promise<Outcome<Page>> {
    if (!Number.isSafeInteger(request.size) || request.size < 1) return invalid(`page size must be a positive integer, got ${request.size}`);
    let after: PagePosition | undefined;
    if (request.token !== '') {
      after = decodePageToken(query, request.token);
      if (!after) return invalid('invalid page token');
    }
    // One record more than the page tells whether another page follows.
    const records = await fetch(after, request.size + 1);
    const page = records.slice(0, request.size);
    const tokenAfter = (index: number) => {
      const record = page[index];
      return encodePageToken(query, { emailKey: record.emailKey, age: query.kind === 'age' ? record.user.age : undefined });
    };
    return success({
      users: page.map((record) => record.user),
      nextPageToken: records.length > page.length ? tokenAfter(page.length - 1) : '',
      tokenAfter,
    });
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

function answer(result: InsertResult, user: User): Outcome<User> {
  if (result.inserted) return success(user);
  return result.reason === 'full' ? full(refusal(result, user)) : conflict(refusal(result, user));
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
