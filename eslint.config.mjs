// Module boundaries are the architecture (DESIGN.md 2): domain libs stay pure (no Redis, no Nest,
// no onnxruntime), apps depend on libs, never the other way round.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const infraPackages = ['ioredis', 'bullmq', '@nestjs/*', 'onnxruntime-node', 'onnxruntime-*', '@tensorflow/*'];

export default [
  { ignores: ['**/node_modules', '**/dist', '**/tmp', 'reports/**', 'models/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: infraPackages },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:infra'] },
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:tooling'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:feature'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:feature'] },
          ],
        },
      ],
    },
  },
  {
    // CommonJS config and jest environment files.
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
