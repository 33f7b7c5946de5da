import type { SearchResp, UserServiceImplementation } from '../../../gen/user/user';
import type { Outcome } from '../../domain/result';
import type { User } from '../../domain/user';
import type { UserService } from '../../domain/user-service';
import { SUCCESS_STATUS, failureStatus, fromWireUser, toWireUser } from './user-mapping';

/** gRPC handlers of user.UserService: map requests to domain calls and outcomes to responses. */
export function userHandlers(service: UserService): UserServiceImplementation {
  return {
    async create(request) {
      const outcome = await service.create(request.user && fromWireUser(request.user));
      return outcome.ok
        ? { status: SUCCESS_STATUS, user: toWireUser(outcome.value) }
        : { status: failureStatus(outcome), user: undefined };
    },
    async getByEmail(request) {
      const outcome = await service.getByEmail(request.email);
      return outcome.ok
        ? { status: SUCCESS_STATUS, user: toWireUser(outcome.value) }
        : { status: failureStatus(outcome), user: undefined };
    },
    async list() {
      return searchResponse(await service.list());
    },
    async searchName(request) {
      return searchResponse(await service.searchName(request.query));
    },
    async searchAge(request) {
      return searchResponse(await service.searchAge(request.ageRange));
    },
  };
}

function searchResponse(outcome: Outcome<User[]>): SearchResp {
  return outcome.ok
    ? { status: SUCCESS_STATUS, users: outcome.value.map(toWireUser), nextPageToken: '' }
    : { status: failureStatus(outcome), users: [], nextPageToken: '' };
}
