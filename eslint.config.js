// Lint config: the recommended JavaScript and TypeScript rules, nothing stylistic
// (formatting is not what review should spend time on).
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'test-artifacts/', 'clients/typescript/dist/', 'console/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Module boundaries: each table belongs to one module (modules/<domain>/), and only that
    // module's files read its repository; other modules call its service or its public files.
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+[^./]+/[^/]+\\.repository\\.ts$',
              message: "Another module's repository: call that module's service (or its public files) instead.",
            },
          ],
        },
      ],
    },
  },
  {
    // The console runs in a browser, and React's rules of hooks keep its state consistent.
    files: ['console/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // Tests read JSON answers loosely; typing every envelope there would add noise, not safety.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'reliability/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
