import { readFileUpTo } from '../shared/bounded-read';
import type { User } from '../domain/user';
import { escape, quote } from '../shared/quote';

/** Thrown when the sample users cannot be loaded (a samples file, or the built-in set); the message is one line naming them. */
export class SampleUsersError extends Error {}

const FIELDS = { id: 'string', age: 'number', firstName: 'string', lastName: 'string', email: 'string', phone: 'string', address: 'string' } as const;

/** Far more than --max-users' default of sample-sized users; a larger file is a mistake (or /dev/zero). */
export const MAX_SAMPLES_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads a JSON array in the Go users-grpc sample format:
 * [{"id","age","firstName","lastName","email","phone","address"}, ...].
 * Checks the shape here; domain rules are checked when the users are created.
 */
export async function readSampleUsersFile(path: string): Promise<User[]> {
  const fail = (problem: string): never => {
    throw new SampleUsersError(`samples file ${escape(path)}: ${problem}`);
  };
  let text = '';
  try {
    text = readFileUpTo(path, MAX_SAMPLES_FILE_BYTES).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? 'no such file' : code === 'EFBIG' ? (err as Error).message : `cannot read it (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    fail(`invalid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(data)) return fail('expected a JSON array of users');
  return data.map((entry: unknown, index) => {
    const at = `user ${index + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return fail(`${at}: expected an object`);
    const record = entry as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      // Own properties only: `constructor` or `__proto__` are not fields.
      if (!Object.hasOwn(FIELDS, key)) fail(`${at}: unknown field ${quote(key)}`);
    }
    for (const [key, type] of Object.entries(FIELDS)) {
      const value = record[key];
      // Missing text fields mean empty, as in protobuf; email is checked later.
      if (value !== undefined && typeof value !== type) fail(`${at}: field ${quote(key)} must be a ${type}`);
    }
    // The wire's age is an int32: a fraction in a file is a mistake, not something to round.
    if (typeof record.age === 'number' && !Number.isInteger(record.age)) fail(`${at}: field "age" must be a whole number, got ${record.age}`);
    return {
      id: (record.id as string | undefined) ?? '',
      age: (record.age as number | undefined) ?? 0,
      firstName: (record.firstName as string | undefined) ?? '',
      lastName: (record.lastName as string | undefined) ?? '',
      email: (record.email as string | undefined) ?? '',
      phone: (record.phone as string | undefined) ?? '',
      address: (record.address as string | undefined) ?? '',
    };
  });
}
