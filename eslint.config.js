import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist', 'dist-*', 'node_modules', 'test-results', 'e2e/artifacts', 'public'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Tests read arbitrary JSON (CLI output, reports): `any` there is honest.
  { files: ['**/*.test.ts', 'e2e/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  {
    // src/core is pure: no onnxruntime, React, DOM-only modules or our outer layers.
    files: ['src/core/**/*.ts'],
    ignores: ['**/*.test.ts', '**/__tests__/**', '**/test-support/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['onnxruntime-*', 'react', 'react-dom', 'zustand', 'recharts', 'comlink'], message: 'src/core stays pure.' },
            { group: ['../../runtime/*', '../../bridge/*', '../../store/*', '../../ui/*', '../../cli/*'], message: 'core imports nothing outside itself.' },
          ],
        },
      ],
    },
  },
);
