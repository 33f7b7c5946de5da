import { emailKey } from '../domain/email-key';
import { foldForSearch } from '../domain/text-folding';
import type { User } from '../domain/user';
import type { InsertResult, UserRepository } from './user-repository';

interface Entry {
  user: User;
  foldedFirst: string;
  foldedLast: string;
}

/** Keeps users in process memory: fast, and lost on restart (one per pod). */
export class MemoryUserRepository implements UserRepository {
  private readonly byEmail = new Map<string, Entry>();
  private readonly ids = new Set<string>();

  /** `maxUsers` bounds the memory the store may take (--max-users); past it, inserts answer `full`. */
  constructor(private readonly maxUsers = Infinity) {}

  // Each method is synchronous inside, so a check-then-insert cannot interleave
  // with another call: that is what makes concurrent inserts safe here.
  async insert(user: User): Promise<InsertResult> {
    const key = emailKey(user.email);
    if (this.byEmail.has(key)) return { inserted: false, reason: 'email-taken' };
    if (this.ids.has(user.id)) return { inserted: false, reason: 'id-taken' };
    if (this.byEmail.size >= this.maxUsers) return { inserted: false, reason: 'full', capacity: this.maxUsers };
    const stored = { ...user };
    this.byEmail.set(key, {
      user: stored,
      foldedFirst: foldForSearch(stored.firstName),
      foldedLast: foldForSearch(stored.lastName),
    });
    this.ids.add(stored.id);
    return { inserted: true };
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const entry = this.byEmail.get(emailKey(email));
    return entry && { ...entry.user };
  }

  async list(): Promise<User[]> {
    return this.select(() => true);
  }

  async searchName(foldedQuery: string): Promise<User[]> {
    return this.select((e) => e.foldedFirst.includes(foldedQuery) || e.foldedLast.includes(foldedQuery));
  }

  async searchAge(from: number, toIncluded: number): Promise<User[]> {
    return this.select((e) => e.user.age >= from && e.user.age <= toIncluded);
  }

  async count(): Promise<number> {
    return this.byEmail.size;
  }

  async close(): Promise<void> {}

  // Copies, so that callers can never change what is stored.
  private select(keep: (entry: Entry) => boolean): User[] {
    const users: User[] = [];
    for (const entry of this.byEmail.values()) if (keep(entry)) users.push({ ...entry.user });
    return users;
  }
}
