/** The secret scan: after the integration and end-to-end tiers, reads every topic, log and table for secrets issued during the run. */
const base = require('./jest.preset');
module.exports = { ...base, displayName: 'scan', testMatch: ['<rootDir>/apps/e2e/src/**/*.scan-spec.ts'], testTimeout: 900000 };
