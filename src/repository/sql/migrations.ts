// The SQL files are embedded in the bundle (esbuild's text loader; jest's
// scripts/jest-text-transform.js), so a built users-server carries its schema.
import createUsers from './migrations/0001_create_users.sql';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every schema version this binary knows, in order. Append only: never edit a released file. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: '0001_create_users', sql: createUsers }];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
