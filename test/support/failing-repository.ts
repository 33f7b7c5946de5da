import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import type { UserRepository } from '../../src/repository/user-repository';

/** A memory repository whose named methods throw `error`, as a broken database would. */
export function failingRepository(error: Error, ...methods: Array<keyof UserRepository>): UserRepository {
  const repository = new MemoryUserRepository();
  for (const method of methods) {
    Object.assign(repository, {
      [method]: async () => {
        throw error;
      },
    });
  }
  return repository;
}
