// The memory one user takes in the in-memory store, at its worst: every field
// at its limit, in characters that take the most room (4-byte UTF-16 pairs).
// The names are the part that has several worst cases, one per run (each in its
// own process, so that RSS is not shared): names of U+FDFA, which name search
// folds into 18 letters each (the longest folded names), names of 100 astral
// characters drawn at random (the most grams for the name index, nearly all
// of them held by no other user), and the two mixed. --max-users times the
// largest, plus idle memory, is what the chart's memory limit must hold.
// Run: make bench-memory (node --expose-gc bench/memory-per-user.js [users]).
import { UserService } from '../src/domain/user-service';
import { MemoryUserRepository } from '../src/repository/memory-user-repository';

const users = Number(process.argv[2] ?? 20_000);
const names = process.argv[3] ?? 'folded';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const astral = (n: number) => '𠀀'.repeat(n);
const settle = () => {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external, rss: m.rss };
};

let seed = 42;
/** One of the 42,720 characters of CJK Extension B (U+20000 on), at random: no folding changes them. */
const randomAstral = () => String.fromCodePoint(0x20000 + ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 42_720));
const NAMES: Record<string, () => string> = {
  folded: () => '\uFDFA'.repeat(100),
  grams: () => Array.from({ length: 100 }, randomAstral).join(''),
  mixed: () => Array.from({ length: 50 }, () => `\uFDFA${randomAstral()}`).join(''),
};

async function main(): Promise<void> {
  const name = NAMES[names];
  if (!name) throw new Error(`names must be one of ${Object.keys(NAMES).join(', ')}`);
  const service = new UserService(new MemoryUserRepository(users + 1));
  const before = settle();
  for (let i = 0; i < users; i++) {
    const tag = String(i).padStart(6, '0');
    const outcome = await service.create({
      id: '',
      age: 150,
      // 254 characters: 236 of 4 bytes, the number, then the domain.
      email: `${astral(236)}${tag}@example.com`,
      firstName: name(),
      lastName: name(),
      phone: astral(50),
      address: astral(300),
    });
    if (!outcome.ok) throw new Error(outcome.message);
  }
  const after = settle();
  // Used after the measure, so that the store is still alive when measured.
  if ((await service.count()) !== users) throw new Error('users missing');
  const perUser = (bytes: number) => Math.round(bytes / users);
  console.log(
    `${users} worst-case users, names ${names.padEnd(6)}: ${perUser(after.heap - before.heap)} bytes/user of heap, ${perUser(after.rss - before.rss)} bytes/user of RSS`,
  );
}

void main();
