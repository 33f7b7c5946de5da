// What a store may throw when it cannot serve a call: declared here, beside the
// domain, so that repositories throw them and the transport maps them to gRPC
// codes without either reaching into the other's layer.

/**
 * The store cannot be reached (database down, pool exhausted), or this call's
 * connection was lost while the database still answers (`database connection
 * lost`). The transport answers UNAVAILABLE with the message; the cause stays in the server log.
 */
export class RepositoryUnavailableError extends Error {
  constructor(options?: { cause?: unknown }, message = 'database unavailable') {
    super(message, options);
    this.name = 'RepositoryUnavailableError';
  }
}

/**
 * The database answers but refused this call for want of a resource (too many
 * connections, memory, a statement cancelled by its timeout; or its disk is
 * full). It is not down: health stays SERVING. The transport answers UNAVAILABLE
 * `database overloaded` (retry later), or RESOURCE_EXHAUSTED `database storage
 * is full` (retrying will not help until an operator acts; reads still work).
 */
export class RepositoryOverloadedError extends RepositoryUnavailableError {
  constructor(
    readonly storageFull: boolean,
    options?: { cause?: unknown },
  ) {
    super(options, storageFull ? 'database storage is full' : 'database overloaded');
    this.name = 'RepositoryOverloadedError';
  }
}

/**
 * The database answers but its users table is gone (renamed, or dropped by a
 * `pg_restore --clean` under way). The transport answers UNAVAILABLE `database
 * schema missing` (retry later: it recovers when the table is back); never the SQL error.
 */
export class RepositorySchemaMissingError extends RepositoryUnavailableError {
  constructor(options?: { cause?: unknown }) {
    super(options, 'database schema missing');
    this.name = 'RepositorySchemaMissingError';
  }
}
