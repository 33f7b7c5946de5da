import { MemoryUserRepository } from '../../src/repository/memory-user-repository';
import { describeControlCharacterContract, describeNameSearchContract, describePagingContract, describeUserRepositoryContract } from './user-repository.contract';

describeUserRepositoryContract('MemoryUserRepository', () => new MemoryUserRepository());
describePagingContract('MemoryUserRepository', () => new MemoryUserRepository());
describeNameSearchContract('MemoryUserRepository', () => new MemoryUserRepository());
describeControlCharacterContract('MemoryUserRepository', () => new MemoryUserRepository());
