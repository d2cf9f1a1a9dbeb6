// Lint config: the recommended JavaScript and TypeScript rules, nothing stylistic
// (formatting is not what review should spend time on).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read JSON answers loosely; typing every envelope there would add noise, not safety.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'reliability/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
