/*
 * Jest for the plugin, in @grafana/create-plugin's style: @swc/jest, jsdom, the ES-module
 * transform list and the react-inlinesvg mock. Tests live in tests/ (unit, editors, panel, and the
 * data source over real HTTP against the proxy started by jest/globalSetup.ts).
 */
const path = require('path');
const { grafanaESModules, nodeModulesToTransform } = require('./jest/utils');

module.exports = {
  rootDir: path.resolve(__dirname, '..'),
  moduleNameMapper: {
    '\\.(css|scss|sass)$': path.resolve(__dirname, 'jest', 'mocks', 'style.js'),
    'react-inlinesvg': path.resolve(__dirname, 'jest', 'mocks', 'react-inlinesvg.tsx'),
  },
  modulePaths: ['<rootDir>/src'],
  setupFilesAfterEnv: ['<rootDir>/jest-setup.js'],
  testEnvironment: 'jest-environment-jsdom',
  testMatch: ['<rootDir>/tests/**/*.test.{ts,tsx}'],
  globalSetup: path.resolve(__dirname, 'jest', 'globalSetup.ts'),
  globalTeardown: path.resolve(__dirname, 'jest', 'globalTeardown.ts'),
  transform: {
    '^.+\\.(t|j)sx?$|^.+\\.mjs$': [
      '@swc/jest',
      {
        sourceMaps: 'inline',
        jsc: {
          parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
          transform: { react: { runtime: 'automatic' } },
        },
      },
    ],
  },
  transformIgnorePatterns: [nodeModulesToTransform(grafanaESModules)],
  watchPathIgnorePatterns: ['<rootDir>/node_modules', '<rootDir>/dist'],
  testTimeout: 30000,
  maxWorkers: 2,
};
