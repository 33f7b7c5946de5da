import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import { describeUserRepositoryContract } from './user-repository.contract';

describeUserRepositoryContract('MemoryUserRepository', () => new MemoryUserRepository());
