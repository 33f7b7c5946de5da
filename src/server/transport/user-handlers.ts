import type { UserServiceImplementation } from '../../../gen/user/user';
import type { UserService } from '../../domain/user-service';
import { overLimit } from './bounded-text-fields';
import { pagedResponse, type PagingLimits } from './paged-response';
import { SUCCESS_STATUS, failureStatus, fromWireUser, toWireUser } from './user-mapping';

/** gRPC handlers of user.UserService: map requests to domain calls and outcomes to responses. */
export function userHandlers(service: UserService, paging: PagingLimits): UserServiceImplementation {
  return {
    async create(request) {
      const outcome = await service.create(request.user && fromWireUser(request.user));
      return outcome.ok
        ? { status: SUCCESS_STATUS, user: toWireUser(outcome.value) }
        : { status: failureStatus(outcome), user: undefined };
    },
    async getByEmail(request) {
      const outcome = await service.getByEmail(overLimit(request, 'email') ?? request.email);
      return outcome.ok
        ? { status: SUCCESS_STATUS, user: toWireUser(outcome.value) }
        : { status: failureStatus(outcome), user: undefined };
    },
    async list(request) {
      return pagedResponse(request, paging, (page) => service.list(page));
    },
    async searchName(request) {
      return pagedResponse(request, paging, (page) => service.searchName(overLimit(request, 'query') ?? request.query, page));
    },
    async searchAge(request) {
      return pagedResponse(request, paging, (page) => service.searchAge(request.ageRange, page));
    },
  };
}
