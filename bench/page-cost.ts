// make bench: what one page costs with 1,000, 100,000 and 1,000,000 users in
// the in-memory store, through the domain (page tokens) and the repository's
// indexes, as a ratio to the page at 1,000. A page is a B+ tree descent and a
// walk of page-size entries (for a name, of its rarest gram's entries), never a
// scan: its work does not grow with the store. What does grow is the share of
// those entries found in the CPU's caches (all of them at 1,000 users, few at
// 1,000,000): the last row measures that alone, in the same run, by reading as
// many users at random from a plain array. The last column is the same page
// taken the way the store answered before paging (every user scanned, filtered
// and sorted), for scale.
import { performance } from 'node:perf_hooks';
import { emailKey } from '../src/domain/email-key';
import { compareKeys } from '../src/domain/key-order';
import type { User } from '../src/domain/user';
import { toUserRecord } from '../src/domain/user-record';
import { UserService, type Page, type PageRequest } from '../src/domain/user-service';
import type { Outcome } from '../src/domain/result';
import { MemoryUserRepository } from '../src/repository/memory-user-repository';

const SIZES = [1_000, 100_000, Number(process.env.BENCH_PAGE_USERS ?? 1_000_000)];
const PAGE_SIZE = 100;
/** Pages timed per measurement; each size is measured ROUNDS times, interleaved, and the median kept (the machine is shared). */
const PAGES = 500;
const ROUNDS = 7;

type Query = {
  name: string;
  run: (service: UserService, page: PageRequest) => Promise<Outcome<Page>>;
  /** The same query the way the store answered before paging. */
  keep: (user: User) => boolean;
  byAge: boolean;
  /** A query nobody matches: its page is empty. */
  empty?: boolean;
};
const QUERIES: Query[] = [
  { name: 'List', run: (s, page) => s.list(page), keep: () => true, byAge: false },
  // "ann" is one first name in nine: a name page walks ~9 × page size entries.
  { name: 'SearchName ann', run: (s, page) => s.searchName('ann', page), keep: (u) => u.firstName === 'Ann', byAge: false },
  { name: 'SearchAge 20-40', run: (s, page) => s.searchAge({ from: 20, toIncluded: 40 }, page), keep: (u) => u.age >= 20 && u.age <= 40, byAge: true },
  // RARE_USERS users at every size: the page is the same 5 users, whatever the store holds.
  { name: 'SearchName rare', run: (s, page) => s.searchName('zbig', page), keep: (u) => u.firstName === RARE_NAME, byAge: false },
  { name: 'SearchName none', run: (s, page) => s.searchName('qqq', page), keep: () => false, byAge: false, empty: true },
];
const RARE_NAME = 'Zbigniew';
const RARE_USERS = 5;
const FIRST_NAMES = ['Valencia', 'Maël', 'José', 'Zoë', 'Ann', 'Liam', 'Noah', 'Emma', 'Ada'];

async function main(): Promise<void> {
  console.log(`a page of ${PAGE_SIZE} users, through UserService (token decoded, page read, next token made): µs per page,`);
  console.log(`median of ${ROUNDS} interleaved runs of ${PAGES} pages taken at positions spread from the first page to the last`);
  const stores = [];
  for (const size of SIZES) stores.push(await filledStore(size));
  console.log(['query'.padEnd(16), ...SIZES.map((n) => `${n} users`.padStart(22)), `scan at ${SIZES.at(-1)}`.padStart(22)].join(''));
  for (const query of QUERIES) {
    const tokens = [];
    for (const { service } of stores) tokens.push(await spreadTokens(service, query, 50));
    const runs: number[][] = stores.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, { service }] of stores.entries()) runs[i].push(await pageCost(service, query, tokens[i]));
    }
    const costs = runs.map(median);
    const scan = scanCost(stores.at(-1)!.users, query);
    const cell = (us: number) => `${us.toFixed(1)} µs (${(us / costs[0]).toFixed(2)})`.padStart(22);
    console.log([query.name.padEnd(16), ...costs.map(cell), cell(scan)].join(''));
  }
  // Reference: what memory latency alone costs at each size, in this run.
  const reads: number[][] = stores.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, { users }] of stores.entries()) reads[i].push(randomReadCost(users));
  }
  const readCosts = reads.map(median);
  console.log(['100 random reads'.padEnd(16), ...readCosts.map((us) => `${us.toFixed(1)} µs (${(us / readCosts[0]).toFixed(2)})`.padStart(22))].join(''));
  console.log('(in brackets: the ratio to the page at 1000 users)');
}

/** A store of `count` users inserted in random email order (a sorted fill would flatter the tree). */
async function filledStore(count: number): Promise<{ service: UserService; users: User[] }> {
  const started = performance.now();
  const repository = new MemoryUserRepository();
  const users: User[] = [];
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < count; i++) {
    const user: User = {
      id: `id-${i}`,
      age: Math.floor(random() * 151),
      firstName: i % Math.floor(count / RARE_USERS) === 7 ? RARE_NAME : FIRST_NAMES[i % FIRST_NAMES.length],
      lastName: 'Dorsey',
      email: `${Math.floor(random() * 1e12).toString(36)}.${i}@email.info`,
      phone: '+1 (906) 568-2594',
      address: '941 Merit Court, Grill, Mississippi, 4961',
    };
    users.push(user);
    await repository.insert(toUserRecord(user));
  }
  console.log(`filled ${count} users in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { service: new UserService(repository), users };
}

/** µs for the first page the pre-paging way: every user scanned and filtered, the matches sorted by their keys. */
function scanCost(users: User[], query: Query): number {
  const started = performance.now();
  const page = users
    .filter(query.keep)
    .map((user) => ({ user, key: emailKey(user.email) }))
    .sort((a, b) => (query.byAge ? a.user.age - b.user.age : 0) || compareKeys(a.key, b.key))
    .slice(0, PAGE_SIZE);
  if (page.length === 0 && !query.empty) throw new Error(`${query.name}: no page`);
  return (performance.now() - started) * 1000;
}

/** Mean µs per page over pages starting at the given tokens, after a warm-up (JIT). */
async function pageCost(service: UserService, query: Query, tokens: string[]): Promise<number> {
  for (let i = 0; i < 100; i++) await query.run(service, { size: PAGE_SIZE, token: tokens[i % tokens.length] });
  const started = performance.now();
  for (let i = 0; i < PAGES; i++) {
    const outcome = await query.run(service, { size: PAGE_SIZE, token: tokens[i % tokens.length] });
    if (!outcome.ok || (outcome.value.users.length === 0) !== (query.empty === true)) throw new Error(`${query.name}: not the page expected`);
  }
  return ((performance.now() - started) * 1000) / PAGES;
}

/**
 * µs to read PAGE_SIZE users picked at random in a plain array of the store's
 * users (each user's age and email length): the same number of records a page
 * touches, with no tree and no paging. Its growth with the size is memory latency.
 */
function randomReadCost(users: User[]): number {
  let seed = 7;
  const picks = Array.from({ length: PAGES * PAGE_SIZE }, () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % users.length);
  let sum = 0;
  const started = performance.now();
  for (const pick of picks) sum += users[pick].age + users[pick].email.length;
  const us = ((performance.now() - started) * 1000) / PAGES;
  if (sum < 0) throw new Error('unreachable');
  return us;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Tokens of `count` pages spread evenly through the answer ('' is the first page). */
async function spreadTokens(service: UserService, query: Query, count: number): Promise<string[]> {
  // Walk the answer once in large steps, keeping tokens at even intervals.
  const all: string[] = [''];
  let token = '';
  for (;;) {
    const outcome = await query.run(service, { size: 1000, token });
    if (!outcome.ok) throw new Error(outcome.message);
    const page = outcome.value;
    if (page.nextPageToken === '') break;
    for (let i = 99; i < page.users.length - 1; i += 100) all.push(page.tokenAfter(i));
    token = page.nextPageToken;
  }
  const step = Math.max(1, Math.floor(all.length / count));
  // Pages must be full: drop positions closer than a page to the end.
  return all.filter((_, i) => i % step === 0).slice(0, count);
}

void main();
