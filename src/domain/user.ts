/** A user as the domain sees it, independent of the wire format. */
export interface User {
  id: string;
  age: number;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  address: string;
}

/** What a caller gives to create a user; an empty id asks for a generated one. */
export type NewUser = User;
