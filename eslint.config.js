// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Module boundaries. Dependencies point one way:
 *   cli -> orchestrator -> temporal-activities -> engine -> core
 *   gateway -> core (+ the Temporal client); specimens -> core.
 * Nothing imports cli; only the CLI, the composition root that runs `dococr gateway` and `dococr dev`, imports the
 * gateway. A package may import the @dococr packages listed for it and nothing else, and never reaches into another
 * package's files by a relative path.
 */
export const allowedDependencies = {
  core: [],
  engine: ['core'],
  specimens: ['core'],
  'temporal-activities': ['engine', 'core'],
  orchestrator: ['temporal-activities', 'engine', 'core'],
  gateway: ['core'],
  cli: ['orchestrator', 'temporal-activities', 'engine', 'core', 'specimens', 'gateway'],
};

const projectDirs = {
  core: 'packages/core',
  engine: 'packages/engine',
  specimens: 'packages/specimens',
  'temporal-activities': 'packages/temporal-activities',
  orchestrator: 'apps/orchestrator',
  gateway: 'apps/gateway',
  cli: 'packages/cli',
};

const boundaryConfigs = Object.entries(allowedDependencies).map(([project, allowed]) => ({
  files: [`${projectDirs[project]}/**/*.ts`, `${projectDirs[project]}/**/*.js`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['@dococr/*', ...allowed.flatMap((a) => [`!@dococr/${a}`, `!@dococr/${a}/*`])],
            message: `module boundary: ${project} may import only ${allowed.length ? allowed.map((a) => '@dococr/' + a).join(', ') : 'no other @dococr package'}`,
          },
          {
            group: ['**/packages/*/src/**', '**/apps/*/src/**', '../../*/src/**', '../../../*/src/**'],
            message: 'module boundary: import another package by its name, never by a relative path into its sources',
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.nx/**',
      '.tools/**',
      '.dococr/**',
      '**/coverage/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  ...boundaryConfigs,
);
