// Shared jest settings: ts-jest transpiles only (type checking is `npm run typecheck`),
// and the tsconfig path aliases (@lf/*) resolve to the libs' sources.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

module.exports = {
  testEnvironment: '<rootDir>/../../tools/jest/node-environment.js',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.base.json', diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/../../' }),
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  // CI runs two projects at once, one of them the end-to-end suite with a dozen processes on 2 cores: a
  // test that takes 1 s alone can take several there. A hang still fails, just later than jest's 5 s.
  testTimeout: 30_000,
};
