import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/data/**',
      '**/coverage/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Workspaces reach each other through package names and `exports`, never by source path.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/backend-proxy/src/**',
                '**/plugin/src/**',
                '**/dashboards/src/**',
                '**/sdk/typescript/src/**',
              ],
              message:
                'Import another workspace by its package name (its package.json `exports`), not its source path.',
            },
          ],
        },
      ],
    },
  },
);
