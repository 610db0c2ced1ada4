// Module boundaries are the architecture (DESIGN.md 2): domain libs stay pure (no Redis, no Nest,
// no onnxruntime), apps depend on libs, never the other way round.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const infraPackages = ['ioredis', 'bullmq', '@nestjs/*', 'onnxruntime-node', 'onnxruntime-*', '@tensorflow/*'];
const depConstraints = [
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: infraPackages },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:infra'] },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:tooling'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:feature'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:feature'] },
];
const boundaries = (constraints) => ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: constraints }];

export default [
  { ignores: ['**/node_modules', '**/dist', '**/tmp', 'reports/**', 'models/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': boundaries(depConstraints),
    },
  },
  {
    // Worker apps that e2e tests launch as their own process (a fourth modality's worker): inside the e2e
    // project, but built on the worker host exactly like apps/*-worker, so they may import type:feature libs.
    files: ['apps/e2e/src/fixtures/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(
        depConstraints.map((c) => (c.sourceTag === 'type:tooling' ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:feature'] } : c)),
      ),
    },
  },
  {
    // Tests of domain libs may use the shared test infrastructure (libs/testing: FHIR validators, throwaway
    // Redis), never other infra; their production code stays pure.
    files: ['libs/**/*.spec.ts', 'libs/**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(
        depConstraints.map((c) => (c.sourceTag === 'type:domain' ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'scope:testing'] } : c)),
      ),
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
