/**
 * The MongoDB run (started by scripts/test-mongodb.mjs, which provides the server): the store
 * contract suite and the HTTP-level suites, each proxy on a fresh database of the MongoDB store.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test'],
  testMatch: [
    '<rootDir>/test/store/mongoStore.test.ts',
    '<rootDir>/test/store/mongoAggregateMigration.test.ts',
    '<rootDir>/test/store/mongoTimeLimits.test.ts',
    '<rootDir>/test/store/transactionRetry.test.ts',
    '<rootDir>/test/store/mongoUploads.test.ts',
    '<rootDir>/test/hardening/mongoStoreFaults.test.ts',
    '<rootDir>/test/cli/verifyStore.test.ts',
    '<rootDir>/test/http/**/*.test.ts',
    '<rootDir>/test/monitoring/monitoringApi.test.ts',
    '<rootDir>/test/monitoring/accuracy/taskAgreement.test.ts',
    '<rootDir>/test/monitoring/monitors/monitorsApi.test.ts',
    '<rootDir>/test/monitoring/segments/segmentsApi.test.ts',
    '<rootDir>/test/grafana/segmentQueries.test.ts',
    '<rootDir>/test/metrics/segmentGauges.test.ts',
    '<rootDir>/test/monitoring/alerts/segmentAlerts.test.ts',
    '<rootDir>/test/reports/reportsApi.test.ts',
  ],
};
