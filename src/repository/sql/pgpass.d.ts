// pgpass ships no types: the one function users-server calls.
declare module 'pgpass' {
  /** Calls back with the password of the first ~/.pgpass (PGPASSFILE) line matching the connection, or undefined. */
  function pgpass(connection: { host?: string; port?: number; database?: string; user?: string }, callback: (password: string | undefined) => void): void;
  export = pgpass;
}
