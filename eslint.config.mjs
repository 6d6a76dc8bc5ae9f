// ESLint: typescript-eslint's type-aware recommended rules over the whole project.
// Run by `npm test` (pretest) and `npm run lint`.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'generated/**',
      'localdb/**',
      'node_modules/**',
      'coverage/**',
      'dist/**',
      '**/*.cjs',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A leading underscore marks what is unused on purpose: a parameter a signature imposes, a
      // key left out of a rest copy (`const { a: _a, ...rest } = o`), a loop's counted item.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Units a newcomer can hold in their head (issue "One house"): source files at most 500
    // lines, functions at most 120. Tests are exempt (a describe block is a list of cases).
    files: [
      '{lib,store,reference,connectors,services,resolvers,hub,mockdata,scripts,bench}/**/*.ts',
      'app/src/**/*.{ts,tsx}',
    ],
    rules: {
      'max-lines': ['error', { max: 500 }],
      'max-lines-per-function': ['error', { max: 120 }],
    },
  },
);
