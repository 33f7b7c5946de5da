/**
 * The store cannot be reached (database down, connection lost, pool exhausted).
 * The transport answers UNAVAILABLE `database unavailable`; the cause stays in the server log.
 */
export class RepositoryUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('database unavailable', options);
    this.name = 'RepositoryUnavailableError';
  }
}
