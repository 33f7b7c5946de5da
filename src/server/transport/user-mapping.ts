import { Status_StatusCode, type Status, type User as WireUser } from '../../../gen/user/user';
import type { Failure } from '../../domain/result';
import type { NewUser, User } from '../../domain/user';

export function toWireUser(user: User): WireUser {
  return {
    id: user.id,
    age: user.age,
    name: { first: user.firstName, last: user.lastName },
    email: user.email,
    phone: user.phone,
    address: user.address,
  };
}

export function fromWireUser(user: WireUser): NewUser {
  return {
    id: user.id,
    age: user.age,
    firstName: user.name?.first ?? '',
    lastName: user.name?.last ?? '',
    email: user.email,
    phone: user.phone,
    address: user.address,
  };
}

export const SUCCESS_STATUS: Status = { code: Status_StatusCode.SUCCESS, msg: '' };

// As in the Go service: bad input and unknown emails are INVALID_QUERY,
// a refused write is FAILED.
const FAILURE_CODES: Record<Failure['kind'], Status_StatusCode> = {
  invalid: Status_StatusCode.INVALID_QUERY,
  'not-found': Status_StatusCode.INVALID_QUERY,
  conflict: Status_StatusCode.FAILED,
  full: Status_StatusCode.FAILED,
};

export function failureStatus(failure: Failure): Status {
  return { code: FAILURE_CODES[failure.kind], msg: failure.message };
}
