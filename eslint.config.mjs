import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/e2e/node_modules/**', '.code-server/**', '**/*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      // The engine stays free of the editor (it serves the CLI too) and of unseeded randomness.
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/engine must not import vscode.' }] }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use the seeded Random of src/engine/random.' }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Code that runs in a browser: the renderer, and the e2e test's page functions.
    files: ['src/renderer/**/*.ts', 'test/e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
