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
);
