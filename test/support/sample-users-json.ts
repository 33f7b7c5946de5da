import { builtinSampleUsers } from '../../src/samples/builtin-sample-users';
import type { User } from '../../src/domain/user';
import { byEmail } from './users';

/** A user as protobuf JSON prints it (buf curl, grpcurl, users-cli -o json). */
export function protoJsonUser(user: User) {
  return { id: user.id, age: user.age, name: { first: user.firstName, last: user.lastName }, email: user.email, phone: user.phone, address: user.address };
}

/** The built-in sample users in the order List answers them: by email. */
export function sampleUsersByEmail(): User[] {
  return builtinSampleUsers().sort(byEmail);
}
