import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import { describePagingContract, describeUserRepositoryContract } from './user-repository.contract';

describeUserRepositoryContract('MemoryUserRepository', () => new MemoryUserRepository());
describePagingContract('MemoryUserRepository', () => new MemoryUserRepository());
