import type { User } from '../../src/domain/user';

/** A valid user; tests override only the fields they are about. */
export function aUser(overrides: Partial<User> = {}): User {
  return {
    id: '',
    age: 30,
    firstName: 'Alice',
    lastName: 'Martin',
    email: 'alice@x.io',
    phone: '+33 6 00 00 00 01',
    address: '1 rue de la Paix, Paris, 75002',
    ...overrides,
  };
}
