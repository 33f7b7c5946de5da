import { createColors } from 'picocolors';
import { User } from '../../gen/user/user';

export type Colors = ReturnType<typeof createColors>;

/** `Valencia Dorsey <valencia.dorsey@email.info> (51 years old, address: 941 Merit Court, ...)`, as the Go CLI prints. */
export function formatUserLine(user: User, colors: Colors): string {
  const name = (part: string) => colors.bold(colors.yellow(part));
  return `${name(user.name?.first ?? '')} ${name(user.name?.last ?? '')} <${colors.green(user.email)}> (${user.age} years old, address: ${user.address})`;
}

/** A user in proto JSON (field names as in the contract, defaults omitted). */
export function userToJson(user: User): unknown {
  return User.toJSON(user);
}
