import { UserServiceDefinition, type UserServiceImplementation } from '../../../gen/user/user';
import type { UserService } from '../../domain/user-service';
import { overLimit } from './bounded-text-fields';
import { pagedResponse, type PagingLimits } from './paged-response';
import { SUCCESS_STATUS, failureStatus, fromWireUser, toWireUser } from './user-mapping';

/** The paths of the methods that answer pages: their answers may take up to --max-response-bytes. */
export const PAGED_PATHS: ReadonlySet<string> = new Set(
  [UserServiceDefinition.methods.list, UserServiceDefinition.methods.searchName, UserServiceDefinition.methods.searchAge].map((method) => `/${UserServiceDefinition.fullName}/${method.name}`),
);

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
