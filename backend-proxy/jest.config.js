/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // Store and HTTP suites open real sockets and files; keep workers modest on 2-core machines.
  maxWorkers: 2,
  testTimeout: 30000,
};
