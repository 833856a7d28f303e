/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The contract test imports the proxy's TypeScript sources, so they are transformed too.
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // Suites start a proxy and a Prometheus server each; two at a time suits 2-core machines.
  maxWorkers: 2,
  testTimeout: 60000,
};
