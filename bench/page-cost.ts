// make bench: what one page costs with 1,000 users and with 1,000,000 in the
// in-memory store, through the domain (page tokens) and the repository's
// ordered indexes. Printed as the ratio of the two: it must stay near 1, since
// a page is a B+ tree descent and a walk of page-size entries, never a scan.
import { performance } from 'node:perf_hooks';
import type { User } from '../src/domain/user';
import { toUserRecord } from '../src/domain/user-record';
import { UserService, type Page, type PageRequest } from '../src/domain/user-service';
import type { Outcome } from '../src/domain/result';
import { MemoryUserRepository } from '../src/repository/memory-user-repository';

const SMALL = 1_000;
const LARGE = Number(process.env.BENCH_PAGE_USERS ?? 1_000_000);
const PAGE_SIZE = 100;
/** Pages timed per measurement; each size is measured ROUNDS times, interleaved, and the median kept (the machine is shared). */
const PAGES = 500;
const ROUNDS = 7;

type Query = { name: string; run: (service: UserService, page: PageRequest) => Promise<Outcome<Page>> };
const QUERIES: Query[] = [
  { name: 'List', run: (s, page) => s.list(page) },
  // "an" is in a third of the names: a name page walks ~3 × page size entries.
  { name: 'SearchName "an"', run: (s, page) => s.searchName('an', page) },
  { name: 'SearchAge 20-40', run: (s, page) => s.searchAge({ from: 20, toIncluded: 40 }, page) },
];
const FIRST_NAMES = ['Valencia', 'Maël', 'José', 'Zoë', 'Ann', 'Liam', 'Noah', 'Emma', 'Ada'];

async function main(): Promise<void> {
  console.log(`a page of ${PAGE_SIZE} users, through UserService (token decoded, page read, next token made): µs per page,`);
  console.log(`median of ${ROUNDS} interleaved runs of ${PAGES} pages taken at positions spread from the first page to the last`);
  const small = await filledService(SMALL);
  const large = await filledService(LARGE);
  console.log(`${'query'.padEnd(18)} ${`${SMALL} users`.padStart(14)} ${`${LARGE} users`.padStart(16)}   ratio`);
  for (const query of QUERIES) {
    const [smallTokens, largeTokens] = [await spreadTokens(small, query, 50), await spreadTokens(large, query, 50)];
    const atSmall: number[] = [];
    const atLarge: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      atSmall.push(await pageCost(small, query, smallTokens));
      atLarge.push(await pageCost(large, query, largeTokens));
    }
    const [s, l] = [median(atSmall), median(atLarge)];
    console.log(`${query.name.padEnd(18)} ${`${s.toFixed(1)} µs`.padStart(14)} ${`${l.toFixed(1)} µs`.padStart(16)}   ${(l / s).toFixed(2)}`);
  }
}

/** A store of `count` users inserted in random email order (a sorted fill would flatter the tree). */
async function filledService(count: number): Promise<UserService> {
  const started = performance.now();
  const repository = new MemoryUserRepository();
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < count; i++) {
    const user: User = {
      id: `id-${i}`,
      age: Math.floor(random() * 151),
      firstName: FIRST_NAMES[i % FIRST_NAMES.length],
      lastName: 'Dorsey',
      email: `${Math.floor(random() * 1e12).toString(36)}.${i}@email.info`,
      phone: '+1 (906) 568-2594',
      address: '941 Merit Court, Grill, Mississippi, 4961',
    };
    await repository.insert(toUserRecord(user));
  }
  console.log(`filled ${count} users in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return new UserService(repository);
}

/** Mean µs per page over pages starting at the given tokens, after a warm-up (JIT). */
async function pageCost(service: UserService, query: Query, tokens: string[]): Promise<number> {
  for (let i = 0; i < 100; i++) await query.run(service, { size: PAGE_SIZE, token: tokens[i % tokens.length] });
  const started = performance.now();
  for (let i = 0; i < PAGES; i++) {
    const outcome = await query.run(service, { size: PAGE_SIZE, token: tokens[i % tokens.length] });
    if (!outcome.ok || outcome.value.users.length === 0) throw new Error(`${query.name}: no page`);
  }
  return ((performance.now() - started) * 1000) / PAGES;
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
