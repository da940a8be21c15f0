import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.venv/**', 'extension/lib/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // The policy core is pure: decisions depend only on the snapshot and the clock passed in.
    files: ['server/src/policy/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', 'fs', 'child_process', 'knex', 'express', 'pg', '../store/*', '../api/*'] },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Take the clock as an argument.' }],
    },
  },
);
