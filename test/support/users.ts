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

/**
 * Orders users as List does for plain addresses: by email, case-insensitively,
 * in code-unit order. Tests sort their expectations with it.
 */
export function byEmail(a: Pick<User, 'email'>, b: Pick<User, 'email'>): number {
  const x = a.email.toLowerCase();
  const y = b.email.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
