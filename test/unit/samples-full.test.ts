import { UserService } from '../../src/domain/user-service';
import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import { loadSampleUsers } from '../../src/samples/load-sample-users';
import { aUser } from '../support/users';

test('samples past --max-users stop loading with a one-line error, not a silent skip', async () => {
  const service = new UserService(new MemoryUserRepository(2));
  const users = [aUser({ email: 'a@x.io' }), aUser({ email: 'b@x.io' }), aUser({ email: 'c@x.io' })];
  await expect(loadSampleUsers(service, users, 'samples file f')).rejects.toThrow(new Error('samples file f: user 3 (c@x.io): the directory is full (2 users) (raise --max-users, or --samples=false)'));
});
