// The memory one user takes in the in-memory store, at its worst: every field
// at its limit, in characters that take the most room (4-byte UTF-16 pairs;
// names of U+FDFA, which name search folds into 18 letters each). --max-users
// times this, plus idle memory, is what the chart's memory limit must hold.
// Run: make bench-memory (node --expose-gc bench/memory-per-user.js [users]).
import { UserService } from '../src/domain/user-service';
import { MemoryUserRepository } from '../src/repository/memory-user-repository';

const users = Number(process.argv[2] ?? 20_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const astral = (n: number) => '𠀀'.repeat(n);
const settle = () => {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external, rss: m.rss };
};

async function main(): Promise<void> {
  const service = new UserService(new MemoryUserRepository(users + 1));
  const before = settle();
  for (let i = 0; i < users; i++) {
    const tag = String(i).padStart(6, '0');
    const outcome = await service.create({
      id: '',
      age: 150,
      // 254 characters: 236 of 4 bytes, the number, then the domain.
      email: `${astral(236)}${tag}@example.com`,
      firstName: '\uFDFA'.repeat(100),
      lastName: '\uFDFA'.repeat(100),
      phone: astral(50),
      address: astral(300),
    });
    if (!outcome.ok) throw new Error(outcome.message);
  }
  const after = settle();
  // Used after the measure, so that the store is still alive when measured.
  if ((await service.count()) !== users) throw new Error('users missing');
  const perUser = (bytes: number) => Math.round(bytes / users);
  console.log(`${users} worst-case users: ${perUser(after.heap - before.heap)} bytes/user of heap, ${perUser(after.rss - before.rss)} bytes/user of RSS`);
}

void main();
