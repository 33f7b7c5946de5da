import type { createColors } from 'picocolors';
import type { User } from '../../gen/user/user';

export type Colors = ReturnType<typeof createColors>;

/** `Valencia Dorsey <valencia.dorsey@email.info> (51 years old, address: 941 Merit Court, ...)`, as the Go CLI prints. */
export function formatUserLine(user: User, colors: Colors): string {
  const name = (part: string) => colors.bold(colors.yellow(part));
  return `${name(user.name?.first ?? '')} ${name(user.name?.last ?? '')} <${colors.green(user.email)}> (${user.age} years old, address: ${user.address})`;
}

/** The JSON of a user as `-o json|jsonl|yaml` print it. */
export interface UserJson {
  id: string;
  age: number;
  name: { first: string; last: string };
  email: string;
  phone: string;
  address: string;
}

/**
 * A user in proto JSON field names and order, every field present: proto3
 * JSON omits zero values (`age: 0`, empty names), which makes `jq .age` null.
 */
export function userToJson(user: User): UserJson {
  const json: Record<keyof User, unknown> = {
    id: user.id,
    age: user.age,
    name: { first: user.name?.first ?? '', last: user.name?.last ?? '' },
    email: user.email,
    phone: user.phone,
    address: user.address,
  };
  return json as unknown as UserJson;
}
