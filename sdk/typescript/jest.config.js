/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // Every suite runs a real proxy (and some spawn python or node): keep workers modest on 2-core machines.
  maxWorkers: 2,
  testTimeout: 60000,
};
