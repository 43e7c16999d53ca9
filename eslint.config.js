import js from '@eslint/js';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Dependencies point one way: web → shared; server → engine → shared. */
const forbid = (patterns, message) => ({ 'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }] });

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'results/**', 'bench/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    // Type-aware rules: every .ts/.vue file belongs to a tsconfig (src, test/, tests/, the SPA), found by the project service.
    files: ['**/*.ts', '**/*.vue'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      // Prettier owns formatting; these layout rules would fight it.
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
    },
  },
  { files: ['packages/shared/**'], rules: forbid(['@tradingfloor/*'], 'shared depends on nothing but zod') },
  { files: ['packages/engine/**'], rules: forbid(['@tradingfloor/server', '@tradingfloor/web'], 'engine depends only on shared') },
  { files: ['packages/server/**'], rules: forbid(['@tradingfloor/web'], 'server never imports web') },
  { files: ['packages/web/**'], rules: forbid(['@tradingfloor/engine', '@tradingfloor/server'], 'web depends only on shared') },
);
