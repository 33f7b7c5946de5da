import { FIRST_PAGE, pageUsers } from '../support/pages';
import { emailKey } from '../../src/domain/email-key';
import { UserService } from '../../src/domain/user-service';
import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import { builtinSampleUsers } from '../../src/samples/builtin-sample-users';
import { loadSampleUsers } from '../../src/samples/load-sample-users';
import { byEmail } from '../support/users';

const users = builtinSampleUsers();

test('there are at least 30 of them', () => {
  expect(users.length).toBeGreaterThanOrEqual(30);
  expect(users).toHaveLength(32);
});

test('emails and ids are unique', () => {
  expect(new Set(users.map((u) => emailKey(u.email))).size).toBe(users.length);
  expect(new Set(users.map((u) => u.id)).size).toBe(users.length);
});

test('every one is valid through the service, stored exactly as given', async () => {
  const repository = new MemoryUserRepository();
  const service = new UserService(repository);
  expect(await loadSampleUsers(service, users, 'built-in sample users')).toBe(users.length);
  expect(pageUsers(await service.list(FIRST_PAGE))).toEqual([...users].sort(byEmail));
});

test('they are deterministic, with stable ids and plain-ASCII emails', () => {
  expect(builtinSampleUsers()).toEqual(users);
  expect(users[0]).toEqual({
    id: 'sample-01',
    age: 34,
    firstName: 'Maël',
    lastName: 'Valadier',
    email: 'mael.valadier@example.com',
    phone: '+33 6 12 48 90 17',
    address: '12 rue des Tanneurs, Lyon, 69002',
  });
  expect(users.map((u) => u.id)).toEqual(users.map((_, i) => `sample-${String(i + 1).padStart(2, '0')}`));
  for (const user of users) expect(user.email).toMatch(/^[a-z]+\.[a-z]+@example\.com$/);
});

test('some names have diacritics, as the name search examples need', () => {
  const names = users.map((u) => `${u.firstName} ${u.lastName}`);
  expect(names.filter((name) => name.normalize('NFKD') !== name).length).toBeGreaterThanOrEqual(5);
  expect(names).toEqual(expect.arrayContaining(['Maël Valadier', 'José Carvalho', 'Valencia Ortega']));
});

test('ages are varied: teenagers to over 80, many distinct values', () => {
  const ages = users.map((u) => u.age);
  expect(Math.min(...ages)).toBeLessThan(20);
  expect(Math.max(...ages)).toBeGreaterThan(80);
  expect(new Set(ages).size).toBeGreaterThanOrEqual(25);
});

test('every field is filled in', () => {
  for (const user of users) {
    for (const [field, value] of Object.entries(user)) expect([field, value === '' ? 'empty' : 'filled']).toEqual([field, 'filled']);
  }
});

test('the returned array is a fresh copy each time', () => {
  const mine = builtinSampleUsers();
  mine[0].firstName = 'Changed';
  expect(builtinSampleUsers()[0].firstName).toBe('Maël');
});
